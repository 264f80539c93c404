import { POWER, type CircuitTree } from './circuits.ts';
import { gridPhasesOf } from './phases.ts';
import { DEFAULT_DC_EFFICIENCY, DEFAULT_STEP_A, IEC_MIN_CURRENT_A } from './settings.ts';
import type { BalancerSettings, Binding, EvseModel, SessionMemory, SessionState } from './types.ts';

const DEFAULT_AC_MAX_A = 32;
const DEFAULT_DC_MAX_W = 50_000;
/** A car drawing at least this on some phase shows which phases it charges on. */
const PHASE_DETECT_MIN_A = 4;
/** Below this a car is not charging at all. */
const IDLE_A = 1;
/** A capped car drawing within this of its cap is taking the headroom: it wants more. */
const TAKES_HEADROOM_A = 0.5;

/** One session, compiled: what it may get and what it costs each circuit constraint per ampere. */
export interface Demand {
  session: SessionState;
  evse: EvseModel;
  /** EVSE phases counted, and the grid phase each is wired to. */
  evsePhases: number[];
  gridPhases: number[];
  /** Output power (what the car gets) and AC input power per ampere of per-phase current. */
  outWPerA: number;
  inWPerA: number;
  stepA: number;
  minA: number;
  /** The hardware/vehicle maximum, then the cap after unused-capacity detection. */
  maxA: number;
  /** The most it can take for planning: `maxA`, and no more than the car's power over the phases counted (while
   * its phases are unknown `maxA` assumes its power on one phase, which is safe to reserve but not to plan on). */
  planMaxA: number;
  maxBinding: Binding;
  capA: number;
  capBinding: Binding;
  /** Reserved regardless of the command (a car over its limit, a station that ignores limits). */
  fixedA: number | null;
  fixedBinding: Binding | null;
  needKwh: number | null;
  departureAt: number | null;
  priority: number;
  /** Constraint indices and coefficients (A or W per ampere) along the EVSE's circuit path. */
  constraints: number[];
  coefs: number[];
  memory: SessionMemory;
}

export const ceilStep = (value: number, step: number) => Math.ceil(value / step - 1e-9) * step;
export const floorStep = (value: number, step: number) => Math.max(0, Math.floor(value / step + 1e-9) * step);

function remainingNeed(session: SessionState): number | null {
  const need = session.need;
  if (!need) return null;
  if (need.socPct !== undefined && need.targetSocPct !== undefined && need.batteryKwh !== undefined) {
    return Math.max(0, ((need.targetSocPct - need.socPct) / 100) * need.batteryKwh);
  }
  if (need.energyKwh !== undefined) return Math.max(0, need.energyKwh - session.energyKwh);
  return null;
}

const ALL_PHASES = [[0], [0, 1], [0, 1, 2]];

/** EVSE phases the car draws on: seen in measurements (remembered for the session), else declared, else all. */
function carPhases(evse: EvseModel, session: SessionState, memory: SessionMemory): number[] {
  const all = ALL_PHASES[evse.phases - 1]!;
  if (evse.kind === 'DC' || evse.phases === 1 || (session.assumedDrawA ?? 0) > 0) return all;
  const m = session.measuredA;
  if (m) {
    let peak = 0;
    for (const i of all) peak = Math.max(peak, m[i]!);
    if (peak >= PHASE_DETECT_MIN_A) {
      const seen = all.filter((i) => m[i]! >= Math.max(1, peak * 0.25));
      if (seen.length !== memory.carPhases?.length) memory.carPhases = seen;
    }
  }
  if (memory.carPhases?.length) return memory.carPhases;
  const declared = session.need?.phases;
  return declared && declared < evse.phases ? ALL_PHASES[declared - 1]! : all;
}

/**
 * The most the car may still be drawing when it was measured: the limit applied, or, while it may still be
 * following a change (settle time), the limit before it (unknown before the first change: anything).
 * A car measured above it is reserved at its draw, so a car that ignores its limit tightens the others.
 */
function allowedRecently(last: { currentA: number; at: number } | undefined, memory: SessionMemory, measuredAt: number, settings: BalancerSettings): number {
  // Never given a limit: whatever it draws comes from the station's default, out of our hands.
  if (!last) return 0;
  if (measuredAt - last.at >= settings.settleS * 1000) return last.currentA;
  return Math.max(last.currentA, memory.appliedBeforeA ?? Infinity);
}

export interface DemandContext {
  tree: CircuitTree;
  settings: BalancerSettings;
  now: number;
  /** Circuits with a power limit in force (others get no power constraint). */
  powerLimited: boolean[];
  /** Constraint lists by EVSE and grid-phase mask, valid for this tree and these power limits. */
  wiringCache: Map<EvseModel, Array<{ circuitId: string; constraints: number[]; coefs: number[] } | undefined>>;
}

export function compileDemand(session: SessionState, evse: EvseModel, ctx: DemandContext, previous: SessionMemory | undefined): Demand {
  const { tree, settings, now } = ctx;
  const memory: SessionMemory = { ...previous };
  const v = evse.voltageV ?? tree.voltageV;
  const evsePhases = carPhases(evse, session, memory);
  const wiring = gridPhasesOf(evse);
  const gridPhases = evsePhases.map((i) => wiring[i]!);
  const n = evsePhases.length;
  const inWPerA = v * n;
  const outWPerA = evse.kind === 'DC' ? inWPerA * (evse.dcEfficiency ?? DEFAULT_DC_EFFICIENCY) : inWPerA;
  const stepA = evse.quirks?.stepA ?? DEFAULT_STEP_A;
  const need = session.need;

  const evseMaxA = evse.kind === 'DC'
    ? Math.min((evse.maxPowerW ?? DEFAULT_DC_MAX_W) / outWPerA, evse.maxCurrentA ?? Infinity)
    : Math.min(evse.maxCurrentA ?? DEFAULT_AC_MAX_A, (evse.maxPowerW ?? Infinity) / outWPerA);
  // With the car's phases not known yet, its power limit could all be on one phase: assume the higher current.
  const phasesKnown = evse.kind === 'DC' || evse.phases === 1 || memory.carPhases !== undefined || need?.phases !== undefined;
  const vehicleMaxA = Math.min(need?.maxCurrentA ?? Infinity, (need?.maxPowerW ?? Infinity) / (phasesKnown ? outWPerA : outWPerA / n));
  const maxA = floorStep(Math.min(evseMaxA, vehicleMaxA), stepA);
  const maxBinding: Binding = vehicleMaxA < evseMaxA ? { kind: 'vehicle-max' } : { kind: 'evse-max' };
  const planMaxA = Math.min(maxA, floorStep((need?.maxPowerW ?? Infinity) / outWPerA, stepA));
  const minRaw = evse.kind === 'DC' ? (evse.minPowerW ?? 0) / outWPerA : (evse.minCurrentA ?? IEC_MIN_CURRENT_A);
  const minA = Math.max(stepA, ceilStep(Math.max(minRaw, evse.quirks?.minCurrentA ?? 0), stepA));

  const last = session.lastAllocation;
  if (last && last.currentA !== memory.appliedA) {
    if (memory.appliedA !== undefined) memory.appliedBeforeA = memory.appliedA;
    memory.appliedA = last.currentA;
    memory.appliedAt = last.at;
  }
  let capA = maxA;
  let capBinding: Binding = maxBinding;
  let fixedA: number | null = null;
  let fixedBinding: Binding | null = null;
  let measured: number | null = null;
  if (session.measuredA) {
    measured = 0;
    for (const i of evsePhases) measured = Math.max(measured, session.measuredA[i]!);
  }
  // A measurement counts once the car had time to follow the last raise, counted from when it was applied.
  const raised = Math.max(memory.raisedAt ?? session.startedAt, last && last.currentA > (memory.appliedBeforeA ?? 0) ? last.at : -Infinity);
  const settled = measured !== null && session.measuredAt !== undefined && session.measuredAt - raised >= settings.settleS * 1000;
  if (evse.quirks?.ignoresLimits) {
    fixedA = maxA;
    fixedBinding = { kind: 'uncontrolled' };
  } else if (measured !== null && measured > allowedRecently(last, memory, session.measuredAt!, settings) + settings.overdrawToleranceA) {
    fixedA = Math.min(Math.max(measured + settings.overdrawToleranceA, minA), Math.max(maxA, measured + settings.overdrawToleranceA));
    fixedBinding = { kind: 'overdraw', measuredA: measured };
  } else {
    const drawing = measured !== null && measured >= IDLE_A;
    if (memory.idle) {
      // Paused because it took nothing (full, or asleep): every probe interval it gets its minimum for a while.
      if (settled && drawing) delete memory.idle;
      else {
        const probing = memory.probeUntil !== undefined && now < memory.probeUntil;
        if (!probing && now >= (memory.nextProbeAt ?? 0)) {
          memory.probeUntil = now + settings.probeDurationS * 1000;
          memory.nextProbeAt = now + settings.probeIntervalS * 1000;
        }
        const inProbe = memory.probeUntil !== undefined && now < memory.probeUntil;
        capA = inProbe ? Math.min(capA, minA) : 0;
        capBinding = { kind: 'unused', probeAt: memory.nextProbeAt! };
      }
    }
    if (!memory.idle) {
      const detected = settled && last !== undefined && last.currentA > 0 && measured! < last.currentA - settings.underuseThresholdA;
      let capped: boolean;
      if (session.drawsLess !== undefined) capped = session.drawsLess;
      // Once capped, a car stays capped (following its draw) until it takes the headroom it was given.
      else if (memory.capA !== undefined) capped = !(settled && measured! >= memory.capA - TAKES_HEADROOM_A);
      else capped = detected;
      // Only a car that was allowed to charge can show that it does not want to.
      const allowed = last !== undefined && last.currentA >= minA - 1e-9;
      if (!capped || (!allowed && session.drawsLess === undefined)) delete memory.capA;
      else if (session.drawsLess === undefined && settled && !drawing) {
        delete memory.capA;
        memory.idle = true;
        memory.nextProbeAt = now + settings.probeIntervalS * 1000;
        capA = 0;
        capBinding = { kind: 'unused', probeAt: memory.nextProbeAt };
      } else {
        const cap = settled || memory.capA === undefined ? Math.max(minA, ceilStep((measured ?? 0) + settings.underuseHeadroomA, stepA)) : memory.capA;
        memory.capA = cap;
        if (cap < capA) {
          capA = cap;
          capBinding = { kind: 'unused', probeAt: now + settings.settleS * 1000 };
        }
      }
    }
  }

  const assumed = session.assumedDrawA ?? 0;
  if (assumed > 0 && assumed > (fixedA ?? 0)) {
    // Whatever it is told, it may draw this: keep telling it what it was told and count the worse of the two.
    fixedA = assumed;
    fixedBinding = { kind: 'assumed-draw', drawA: assumed };
  }

  const circuit = tree.index.get(evse.circuitId);
  if (circuit === undefined) throw new Error(`EVSE ${evse.id} is on an unknown circuit ${evse.circuitId}`);
  const path = tree.paths[circuit]!;
  let mask = 0;
  for (const p of gridPhases) mask |= 1 << p;
  let byWiring = ctx.wiringCache.get(evse);
  if (!byWiring) ctx.wiringCache.set(evse, (byWiring = []));
  let wired = byWiring[mask];
  if (!wired || wired.circuitId !== evse.circuitId) {
    wired = { circuitId: evse.circuitId, constraints: [], coefs: [] };
    for (const c of path) {
      for (const p of gridPhases) {
        wired.constraints.push(c * 4 + p);
        wired.coefs.push(1);
      }
      if (ctx.powerLimited[c]) {
        wired.constraints.push(c * 4 + POWER);
        wired.coefs.push(inWPerA);
      }
    }
    byWiring[mask] = wired;
  }
  const { constraints, coefs } = wired;

  return {
    session, evse, evsePhases, gridPhases, outWPerA, inWPerA, stepA, minA, maxA, planMaxA, maxBinding, capA, capBinding, fixedA, fixedBinding,
    needKwh: remainingNeed(session),
    departureAt: need?.departureAt ?? null,
    priority: need?.priority ?? 0,
    constraints, coefs, memory,
  };
}
