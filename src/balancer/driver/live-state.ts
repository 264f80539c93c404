import type { EvChargingNeeds } from '../../domain/ev-charging.ts';
import type { Transaction } from '../../domain/transaction.ts';
import type { BalancerMemory, EvseModel, ExpectedVehicle, LimitOverride, LoadMeasurement, PerPhase, PriceSlot, SessionState, SiteState, VehicleNeed } from '../core/index.ts';
import type { MeterReadings } from '../meter/meter-readings.ts';
import { minuteOf, nextOccurrence } from '../site/local-time.ts';
import type { SiteSnapshot, Vehicle } from '../site/model.ts';
import { evseKey, type CoreSite, type ManagedEvse } from '../site/to-core.ts';
import type { SessionReading } from './measurements.ts';

const PHASE_INDEX = { L1: 0, L2: 1, L3: 2 } as const;
const DC_EFFICIENCY = 0.95;

export interface ManagedSession {
  tx: Transaction;
  evse: ManagedEvse;
}

/** What the driver knows of a session's commands: the last limit the station confirmed, and a draw to assume. */
export interface AppliedView {
  lastAllocation?: { currentA: number; at: number };
  /** Assume it draws this (A per phase) whatever it was told: an unconfirmed reduction, a non-compliant station. */
  assumeA?: number;
  /** What it was last told (with `assumeA`). */
  commandedA?: number;
}

/** An offline station may draw up to its fail-safe share: reserved as a pseudo-session on EVSEs covering its phases. */
export interface Phantom {
  sessionId: string;
  evse: ManagedEvse;
  assumeA: number;
}

export interface LiveInputs {
  now: number;
  core: CoreSite;
  snapshot: SiteSnapshot;
  sessions: ManagedSession[];
  reading: (transactionId: number) => SessionReading | undefined;
  needs: (session: ManagedSession) => EvChargingNeeds | undefined;
  /** Energy of the session when its EV last reported its needs (its energy request counts from there). */
  needsBaselineKwh: (session: ManagedSession, needs: EvChargingNeeds) => number;
  evseLimit: (stationId: string, evseId: number) => { unit: 'A' | 'W'; limit: number } | undefined;
  vehicleByToken: (token: string) => Vehicle | undefined;
  applied: (sessionId: string) => AppliedView;
  meters: MeterReadings;
  phantoms: Phantom[];
  prices: PriceSlot[] | undefined;
  memory: BalancerMemory | undefined;
}

export const sessionEnergyKwh = (tx: Transaction) =>
  tx.lastMeterWh !== null && tx.meterStartWh !== null ? Math.max(0, (tx.lastMeterWh - tx.meterStartWh) / 1000) : (tx.energyWh ?? 0) / 1000;

/** The core's live state, from the domain: sessions with their measurements and needs, loads, overrides, prices. */
export function liveState(input: LiveInputs): SiteState {
  const { now, core, snapshot } = input;
  const voltage = snapshot.config.voltageV;
  const models = new Map(core.site.evses.map((e) => [e.id, e]));
  const sessions: SessionState[] = [];

  for (const s of input.sessions) {
    const { tx, evse } = s;
    const model = models.get(evse.key)!;
    const session: SessionState = { evseId: evse.key, sessionId: String(tx.id), startedAt: Date.parse(tx.startedAt), energyKwh: sessionEnergyKwh(tx) };
    const vehicle = tx.idToken ? input.vehicleByToken(tx.idToken) : undefined;
    if (vehicle) session.vehicleId = vehicle.id;
    const reading = input.reading(tx.id);
    const measured = reading ? measuredOf(reading, model, voltage) : null;
    if (measured && reading?.at !== null && reading?.at !== undefined) {
      session.measuredA = measured;
      session.measuredAt = reading.at;
    }
    const need = needOf(s, vehicle, reading, input, snapshot.config.timeZone);
    if (Object.keys(need).length) session.need = need;
    const applied = input.applied(session.sessionId);
    if (applied.lastAllocation) session.lastAllocation = applied.lastAllocation;
    if (applied.assumeA !== undefined) assumeDraw(session, applied.assumeA, applied.commandedA ?? 0, now);
    sessions.push(session);
  }
  for (const p of input.phantoms) {
    const session: SessionState = { evseId: p.evse.key, sessionId: p.sessionId, startedAt: now, energyKwh: 0 };
    assumeDraw(session, p.assumeA, 0, now);
    sessions.push(session);
  }

  const state: SiteState = { now, sessions, loads: loadsOf(input, sessions, models), limitOverrides: overridesOf(snapshot, now), expected: expectedOf(input) };
  if (input.prices) state.prices = input.prices;
  if (input.memory) state.memory = input.memory;
  return state;
}

/** The core reserves `amps` on every EVSE phase for this session and keeps commanding what it was last told. */
function assumeDraw(session: SessionState, amps: number, commandedA: number, now: number): void {
  session.assumedDrawA = amps;
  session.lastAllocation = { currentA: commandedA, at: session.lastAllocation?.at ?? now };
}

/** Per EVSE phase: the station's currents, else its power spread over the EVSE's phases (DC: AC input current). */
function measuredOf(reading: SessionReading, model: EvseModel, voltageV: number): PerPhase | null {
  if (reading.currentA && model.kind === 'AC') return reading.currentA;
  if (reading.powerW === null) return null;
  const v = model.voltageV ?? voltageV;
  const perPhase = model.kind === 'DC' ? reading.powerW / (v * model.phases * (model.dcEfficiency ?? DC_EFFICIENCY)) : reading.powerW / (v * model.phases);
  const out: PerPhase = [0, 0, 0];
  for (let i = 0; i < model.phases; i++) out[i] = Math.max(0, perPhase);
  return out;
}

function needOf(s: ManagedSession, vehicle: Vehicle | undefined, reading: SessionReading | undefined, input: LiveInputs, timeZone: string): VehicleNeed {
  const need: VehicleNeed = {};
  const started = Date.parse(s.tx.startedAt);
  if (vehicle) {
    need.priority = vehicle.priority;
    if (vehicle.maxChargeKw !== null) need.maxPowerW = vehicle.maxChargeKw * 1000;
    if (vehicle.phases !== null) need.phases = vehicle.phases;
    if (vehicle.batteryKwh !== null) need.batteryKwh = vehicle.batteryKwh;
    let best: { at: number; d: Vehicle['departures'][number] } | undefined;
    for (const d of vehicle.departures) {
      const at = nextOccurrence(d.days, minuteOf(d.at), started, timeZone);
      if (!best || at < best.at) best = { at, d };
    }
    if (best && Number.isFinite(best.at)) {
      need.departureAt = best.at;
      if (best.d.targetSocPct !== undefined) need.targetSocPct = best.d.targetSocPct;
      if (best.d.targetEnergyKwh !== undefined) need.energyKwh = best.d.targetEnergyKwh;
    }
  }
  const ev = input.needs(s);
  if (ev) {
    if (ev.departureTime) need.departureAt = Date.parse(ev.departureTime);
    if (ev.energyAmountWh !== null && need.targetSocPct === undefined) need.energyKwh = input.needsBaselineKwh(s, ev) + ev.energyAmountWh / 1000;
    if (ev.evMaxPowerW !== null) need.maxPowerW = Math.min(need.maxPowerW ?? Infinity, ev.evMaxPowerW);
    if (ev.evMaxCurrentA !== null) need.maxCurrentA = ev.evMaxCurrentA;
    if (ev.stateOfCharge !== null) need.socPct = ev.stateOfCharge;
    if (ev.evEnergyCapacityWh !== null && need.batteryKwh === undefined) need.batteryKwh = ev.evEnergyCapacityWh / 1000;
    const phases = { AC_single_phase: 1, AC_two_phase: 2, AC_three_phase: 3 }[ev.requestedEnergyTransfer] as 1 | 2 | 3 | undefined;
    if (phases && need.phases === undefined) need.phases = phases;
  }
  if (reading?.socPct !== null && reading?.socPct !== undefined) need.socPct = reading.socPct;
  const limit = input.evseLimit(s.evse.stationId, s.evse.evseId);
  if (limit?.unit === 'A') need.maxCurrentA = Math.min(need.maxCurrentA ?? Infinity, limit.limit);
  if (limit?.unit === 'W') need.maxPowerW = Math.min(need.maxPowerW ?? Infinity, limit.limit);
  return need;
}

/**
 * Non-charger load per metered circuit. A fresh reading counts as measured now; a silent meter's reading is handed
 * over as ancient, so the core takes the circuit's worst case (`fallbackLoadA`; without one, the last reading).
 * A meter that sees the whole circuit (`total`) has the chargers below it taken off: the lower of each one's
 * measured draw and its limit, so the non-charger load is never underestimated.
 */
function loadsOf(input: LiveInputs, sessions: SessionState[], models: Map<string, EvseModel>): LoadMeasurement[] {
  const { snapshot, now, meters } = input;
  const parent = new Map(snapshot.circuits.map((c) => [c.id, c.parentId]));
  const stationCircuit = new Map(snapshot.stations.map((s) => [s.stationId, s.circuitId]));
  const out: LoadMeasurement[] = [];
  for (const c of snapshot.circuits) {
    if (!c.meter) continue;
    const reading = meters.latest(c.id);
    if (!reading) continue;
    const fresh = now - reading.measuredAt <= c.meter.staleAfterSeconds * 1000;
    const load: PerPhase = [...reading.currentA];
    if (c.meter.measures === 'total') {
      for (const s of sessions) {
        if (!s.measuredA || s.sessionId.startsWith('offline:')) continue;
        const stationId = s.evseId.slice(0, s.evseId.lastIndexOf('/'));
        if (!isBelow(stationCircuit.get(stationId), c.id, parent)) continue;
        const model = models.get(s.evseId)!;
        const cap = s.lastAllocation?.currentA ?? 0;
        for (let i = 0; i < model.phases; i++) {
          const wired = model.rotation?.[i];
          load[wired ? PHASE_INDEX[wired] : i]! -= Math.min(s.measuredA[i]!, cap);
        }
      }
    }
    out.push({ circuitId: c.id, currentA: load.map((a) => Math.max(0, a)) as PerPhase, measuredAt: fresh ? now : 0 });
  }
  return out;
}

function isBelow(circuitId: string | undefined, ancestor: string, parent: Map<string, string | null>): boolean {
  for (let c = circuitId, n = 0; c !== undefined && c !== null && n < 1000; c = parent.get(c) ?? undefined, n++) if (c === ancestor) return true;
  return false;
}

function overridesOf(snapshot: SiteSnapshot, now: number): LimitOverride[] {
  return snapshot.circuits.flatMap((c) => {
    const o = c.override;
    if (!o || (o.until !== null && Date.parse(o.until) <= now)) return [];
    const out: LimitOverride = { circuitId: c.id };
    if (o.limitA !== undefined) out.limitA = o.limitA;
    if (o.maxPowerKw !== undefined) out.maxPowerKw = o.maxPowerKw;
    if (o.until !== null) out.until = Date.parse(o.until);
    return [out];
  });
}

/** Fleet vehicles with a home EVSE that plug in within a day (and are not plugged in now). */
function expectedOf(input: LiveInputs): ExpectedVehicle[] {
  const { snapshot, now } = input;
  const charging = new Set(input.sessions.flatMap((s) => (s.tx.idToken ? [input.vehicleByToken(s.tx.idToken)?.id] : [])));
  const out: ExpectedVehicle[] = [];
  for (const v of snapshot.vehicles) {
    if (!v.home || charging.has(v.id)) continue;
    const key = evseKey(v.home.stationId, v.home.evseId);
    if (!input.core.evses.has(key)) continue;
    for (const d of v.departures) {
      if (d.arriveAt === undefined || d.targetEnergyKwh === undefined) continue;
      // `days` are departure days; it arrives the stretch before (e.g. 18:00 for a 06:00 departure).
      const departureAt = nextOccurrence(d.days, minuteOf(d.at), now, snapshot.config.timeZone);
      const gapMinutes = (minuteOf(d.at) - minuteOf(d.arriveAt) + 1440) % 1440 || 1440;
      const arriveAt = departureAt - gapMinutes * 60_000;
      if (arriveAt <= now || arriveAt - now > 86_400_000) continue;
      const need: ExpectedVehicle['need'] = { departureAt, energyKwh: d.targetEnergyKwh, priority: v.priority };
      if (v.maxChargeKw !== null) need.maxPowerW = v.maxChargeKw * 1000;
      if (v.phases !== null) need.phases = v.phases;
      out.push({ vehicleId: v.id, evseId: key, arriveAt, need });
    }
  }
  return out;
}
