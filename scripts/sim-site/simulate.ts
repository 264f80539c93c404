import { allocate } from '../../src/balancer/core/allocate.ts';
import { applicableIncreases, orderTransition, type TransitionStep } from '../../src/balancer/core/transition.ts';
import type { AllocationResult, BalancerMemory, SiteState, EvseAllocation, EvseModel, LoadMeasurement, PerPhase, SessionState } from '../../src/balancer/core/types.ts';
import { violations } from '../../src/balancer/core/violations.ts';
import { carDraw } from './car.ts';
import type { CarSpec, Scenario } from './scenario.ts';
import { SiteMeasure } from './site-measure.ts';
import { Timeline } from './timeline.ts';

export interface CarOutcome {
  id: string;
  needKwh: number;
  deliveredKwh: number;
  fleet: boolean;
  met: boolean;
}

export interface SimResult {
  name: string;
  /** Circuit-phase-seconds above the limit (measured every second at every circuit and phase), and the worst excess. */
  violationSeconds: number;
  maxExcessA: number;
  firstViolation: string | null;
  /** Seconds inside the margin but under the limit (allowed; shown for transparency). */
  marginSeconds: number;
  /** Findings of the core's own check over all cycles (must be 0). */
  coreViolations: number;
  energyKwh: number;
  cars: CarOutcome[];
  deadlines: { fleet: number; met: number };
  cycles: number;
  cycleMs: number[];
  maxSessions: number;
}

interface LiveCar {
  spec: CarSpec;
  soc: number;
  deliveredKwh: number;
  draw: PerPhase;
  reported: { measuredA: PerPhase; at: number; soc: number } | null;
}

const TOLERANCE_KWH = 0.1;

/** Energy the car needs to reach its target state of charge. */
export const needOf = (car: CarSpec) => Math.max(0, ((car.targetSocPct - car.socPct) / 100) * car.batteryKwh);

/** A car's outcome when it leaves (or the scenario ends). */
export function outcomeOf(car: CarSpec, deliveredKwh: number): CarOutcome {
  const need = needOf(car);
  return { id: car.id, needKwh: need, deliveredKwh, fleet: car.fleet, met: deliveredKwh >= need - TOLERANCE_KWH };
}

/** Figures over all cars' outcomes. */
export function totalsOf(outcomes: CarOutcome[]): Pick<SimResult, 'energyKwh' | 'cars' | 'deadlines'> {
  const fleet = outcomes.filter((o) => o.fleet);
  return { energyKwh: outcomes.reduce((s, o) => s + o.deliveredKwh, 0), cars: outcomes, deadlines: { fleet: fleet.length, met: fleet.filter((o) => o.met).length } };
}

/** Steps the site second by second, calling the allocation core every cycle and on events, and measures it. */
export interface SimTrace {
  second?: (t: number, info: { amps: Float64Array; cars: Array<{ id: string; draw: PerPhase; limit: number | null }> }) => void;
  cycle?: (t: number, state: SiteState, result: AllocationResult) => void;
}

export function simulate(sc: Scenario, trace: SimTrace = {}): SimResult {
  const { site } = sc;
  const v = site.voltageV ?? 230;
  const evses = new Map(site.evses.map((e) => [e.id, e]));
  const measure = new SiteMeasure(site);
  const ms = (t: number) => sc.start + t * 1000;

  const live = new Map<string, LiveCar>();
  const commanded = new Map<string, EvseAllocation>();
  /** Per EVSE: the commands in the order the station got them, for cars that follow late. */
  const history = new Map<string, Array<{ t: number; a: EvseAllocation | null }>>();
  let pending: { at: number; steps: TransitionStep[]; state: SiteState } | null = null;
  const reportedLoads = new Map<string, LoadMeasurement>();
  let memory: BalancerMemory | undefined;
  const outcomes: CarOutcome[] = [];
  const cycleMs: number[] = [];
  let coreViolations = 0;
  let maxSessions = 0;
  const command = (evseId: string, t: number, a: EvseAllocation | null) => {
    if (a) commanded.set(evseId, a);
    else commanded.delete(evseId);
    let h = history.get(evseId);
    if (!h) history.set(evseId, (h = []));
    h.push({ t, a });
    if (h.length > 64) h.splice(0, h.length - 64);
  };
  const followedAt = (evseId: string, t: number): EvseAllocation | null => {
    const h = history.get(evseId);
    if (!h) return null;
    for (let i = h.length - 1; i >= 0; i--) if (h[i]!.t <= t) return h[i]!.a;
    return null;
  };

  const timeline = new Timeline(sc);

  for (let t = 0; t < sc.durationS; t++) {
    const now = ms(t);
    const happens = timeline.at(t);
    let event = happens.arriving.length + happens.limitEvents.length > 0;
    for (const car of happens.departing) {
      const l = live.get(car.id);
      if (!l) continue;
      outcomes.push(outcomeOf(car, l.deliveredKwh));
      live.delete(car.id);
      command(car.evseId, t, null);
      event = true;
    }
    for (const car of happens.arriving) live.set(car.id, { spec: car, soc: car.socPct, deliveredKwh: 0, draw: [0, 0, 0], reported: null });
    const limits = timeline.limits;
    for (const { circuitId, currentA } of happens.readings) {
      const before = reportedLoads.get(circuitId);
      if (before && Math.max(...currentA.map((x, p) => Math.abs(x - before.currentA[p]!))) > 2) event = true;
      reportedLoads.set(circuitId, { circuitId, currentA, measuredAt: now });
    }
    if (happens.stationReport) for (const l of live.values()) l.reported = { measuredA: [...l.draw], at: now, soc: l.soc };
    if (pending && t >= pending.at) {
      // Send what is safe even if every reduction of the last few seconds has not been followed yet.
      const inForce = [...live.values()].flatMap((l) => {
        const worst = worstRecent(history.get(l.spec.evseId), t - sc.increaseDelayS);
        return worst ? [worst] : [];
      });
      // Checked against what the allocation was made for: a newer measurement triggers a new allocation anyway.
      const current: { at: number; steps: TransitionStep[]; state: SiteState } = pending;
      const state = { ...current.state, now };
      const steps: TransitionStep[] = current.steps.filter((s) => live.has(s.sessionId));
      const ready = new Set(applicableIncreases(site, state, inForce, steps).map((s) => s.sessionId));
      for (const step of steps) if (ready.has(step.sessionId)) command(step.evseId, t, step.allocation);
      const waiting: TransitionStep[] = steps.filter((s) => !ready.has(s.sessionId));
      pending = waiting.length ? { at: t + 1, steps: waiting, state: current.state } : null;
    }

    if (event || t % sc.cycleS === 0) {
      const sessions: SessionState[] = [...live.values()].map((l) => sessionOf(l, commanded.get(l.spec.evseId), history.get(l.spec.evseId), sc, now, needOf(l.spec)));
      maxSessions = Math.max(maxSessions, sessions.length);
      const expected = sc.fleetSchedule
        ? sc.cars.filter((c) => c.fleet && c.arriveS > t && c.arriveS < t + 24 * 3600).map((c) => ({
          vehicleId: c.id, evseId: c.evseId, arriveAt: ms(c.arriveS),
          need: { departureAt: ms(c.departS), energyKwh: needOf(c), maxPowerW: c.maxPowerW, phases: c.phases, priority: c.priority },
        }))
        : [];
      const state = { now, sessions, expected, loads: [...reportedLoads.values()], limitOverrides: [...timeline.overrides.values()], ...(sc.prices ? { prices: sc.prices } : {}), ...(memory ? { memory } : {}) };
      const t0 = performance.now();
      const result = allocate(site, state);
      cycleMs.push(performance.now() - t0);
      coreViolations += violations(site, state, result).length;
      memory = result.memory;
      trace.cycle?.(t, state, result);
      const current = [...commanded.values()].filter((a) => live.has(a.sessionId));
      const transition = orderTransition(current, result.evses);
      for (const step of transition.reductions) command(step.evseId, t, step.allocation);
      // Increases go out once acknowledged reductions leave room (checked every second, see above).
      pending = transition.increases.length ? { at: t + 1, steps: transition.increases, state } : null;
    }

    // Physics of this second, then the measurement at every circuit and phase.
    const amps = measure.reset();
    let active = 0;
    for (const l of live.values()) {
      const evse = evses.get(l.spec.evseId)!;
      const b = l.spec.behaviour;
      const followed = b.kind === 'delayed' ? followedAt(evse.id, t - b.delayS) : commanded.get(evse.id) ?? null;
      const draw = carDraw(l.spec, l.soc, followed ? { value: followed.limit, unit: followed.unit, phasesToUse: followed.phasesToUse } : { value: 0, unit: 'A', phasesToUse: evse.phases }, physicalEvse(evse, v), b.kind === 'ignores');
      l.draw = draw.evsePhaseA;
      if (draw.powerW > 0) active++;
      measure.addEvse(evse.id, draw.evsePhaseA);
      const kwh = draw.powerW / 3.6e6;
      l.deliveredKwh += kwh;
      l.soc += (kwh / l.spec.batteryKwh) * 100;
    }
    void active;
    trace.second?.(t, { amps, cars: [...live.values()].map((l) => ({ id: l.spec.id, draw: l.draw, limit: commanded.get(l.spec.evseId)?.currentA ?? null })) });
    for (const b of sc.buildingLoad) measure.addLoad(b.circuitId, b.at(t));
    measure.check(t, limits);
  }
  for (const l of live.values()) outcomes.push(outcomeOf(l.spec, l.deliveredKwh));
  return {
    name: sc.name,
    ...measure.safety, coreViolations,
    ...totalsOf(outcomes),
    cycles: cycleMs.length, cycleMs, maxSessions,
  };
}

/** The command with the largest reservation among those the EVSE may still be following (in force since `since`). */
function worstRecent(history: Array<{ t: number; a: EvseAllocation | null }> | undefined, since: number): EvseAllocation | null {
  if (!history?.length) return null;
  let worst: EvseAllocation | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    const a = history[i]!.a;
    if (a && (!worst || a.reservedA * a.evsePhases.length > worst.reservedA * worst.evsePhases.length)) worst = a;
    if (history[i]!.t <= since) break;
  }
  return worst;
}

export function physicalEvse(evse: EvseModel, siteV: number) {
  return {
    kind: evse.kind, phases: evse.phases, voltageV: evse.voltageV ?? siteV,
    maxCurrentA: evse.maxCurrentA ?? (evse.kind === 'AC' ? 32 : Infinity), maxPowerW: evse.maxPowerW ?? (evse.kind === 'DC' ? 50_000 : Infinity),
    dcEfficiency: evse.dcEfficiency ?? 0.95,
  };
}

/** What the controller knows of a session: station meter values, the last applied limit, the fleet's data. */
function sessionOf(l: LiveCar, applied: EvseAllocation | undefined, history: Array<{ t: number; a: EvseAllocation | null }> | undefined, sc: Scenario, now: number, needKwh: number): SessionState {
  const car = l.spec;
  const appliedAt = history?.length ? sc.start + history[history.length - 1]!.t * 1000 : now;
  const dc = sc.site.evses.find((e) => e.id === car.evseId)?.kind === 'DC';
  return {
    evseId: car.evseId,
    sessionId: car.id,
    vehicleId: car.id,
    startedAt: sc.start + car.arriveS * 1000,
    energyKwh: l.deliveredKwh,
    ...(l.reported ? { measuredA: l.reported.measuredA, measuredAt: l.reported.at } : {}),
    ...(applied ? { lastAllocation: { currentA: applied.currentA, at: appliedAt } } : {}),
    need: car.fleet
      ? {
        departureAt: sc.start + car.departS * 1000,
        ...(dc && l.reported ? { socPct: l.reported.soc, targetSocPct: car.targetSocPct, batteryKwh: car.batteryKwh } : { energyKwh: needKwh }),
        maxPowerW: car.maxPowerW,
        ...(car.phasesDeclared ? { phases: car.phases } : {}),
        priority: car.priority,
      }
      : { priority: car.priority, ...(car.phasesDeclared ? { phases: car.phases } : {}) },
  };
}
