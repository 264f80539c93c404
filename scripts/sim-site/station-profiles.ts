/** The charging profiles a simulated station holds (OCPP 1.6 and 2.0.1 alike) and the limit they put on its EVSE. */

export type Purpose = 'max' | 'txDefault' | 'tx';

export interface HeldProfile {
  id: number;
  /** 0: the whole station. */
  evseId: number;
  purpose: Purpose;
  stackLevel: number;
  kind: 'Absolute' | 'Relative' | 'Recurring';
  startSchedule: number | null;
  unit: 'A' | 'W';
  periods: Array<{ startS: number; limit: number; phases: number | null }>;
  transactionId: string | null;
}

const PURPOSES: Record<string, Purpose> = { ChargePointMaxProfile: 'max', ChargingStationMaxProfile: 'max', TxDefaultProfile: 'txDefault', TxProfile: 'tx' };

/** A SetChargingProfile request of either version as a held profile. */
export function profileOf(params: any): HeldProfile {
  const p = params.csChargingProfiles ?? params.chargingProfile;
  const schedule = Array.isArray(p.chargingSchedule) ? p.chargingSchedule[0] : p.chargingSchedule;
  return {
    id: p.chargingProfileId ?? p.id,
    evseId: params.connectorId ?? params.evseId,
    purpose: PURPOSES[p.chargingProfilePurpose] ?? 'tx',
    stackLevel: p.stackLevel,
    kind: p.chargingProfileKind,
    startSchedule: schedule.startSchedule ? Date.parse(schedule.startSchedule) : null,
    unit: schedule.chargingRateUnit,
    periods: schedule.chargingSchedulePeriod.map((x: any) => ({ startS: x.startPeriod, limit: x.limit, phases: x.numberPhases ?? null })),
    transactionId: p.transactionId === undefined ? null : String(p.transactionId),
  };
}

/** Installs a profile: it replaces one with the same id, or the same EVSE, purpose and stack level. */
export function install(held: HeldProfile[], p: HeldProfile): HeldProfile[] {
  return [...held.filter((h) => h.id !== p.id && !(h.evseId === p.evseId && h.purpose === p.purpose && h.stackLevel === p.stackLevel)), p];
}

/** ClearChargingProfile of either version: the profiles left. */
export function clear(held: HeldProfile[], params: any): HeldProfile[] {
  const c = params.chargingProfileCriteria ?? params;
  const id = params.id ?? params.chargingProfileId;
  const evseId = c.connectorId ?? c.evseId;
  const purpose = c.chargingProfilePurpose ? PURPOSES[c.chargingProfilePurpose] : undefined;
  return held.filter((h) => {
    if (id !== undefined) return h.id !== id;
    return !((evseId === undefined || h.evseId === evseId) && (purpose === undefined || h.purpose === purpose) && (c.stackLevel === undefined || h.stackLevel === c.stackLevel));
  });
}

export interface EvseRating {
  kind: 'AC' | 'DC';
  phases: number;
  voltageV: number;
  dcEfficiency: number;
}

/** AC: amperes per phase; DC: watts of output. */
function valueOf(p: HeldProfile, period: HeldProfile['periods'][number], e: EvseRating): number {
  if (e.kind === 'AC') return p.unit === 'A' ? period.limit : period.limit / (e.voltageV * Math.max(1, period.phases ?? e.phases));
  return p.unit === 'W' ? period.limit : period.limit * e.voltageV * e.phases * e.dcEfficiency;
}

/** The profile's value at `now`, or null when it is not in force. */
function limitAt(p: HeldProfile, now: number, txStart: number, e: EvseRating): number | null {
  const start = p.kind === 'Relative' ? txStart : p.startSchedule;
  if (start === null) return null;
  const s = (now - start) / 1000;
  if (s < 0) return null;
  let value: number | null = null;
  for (const period of p.periods) if (period.startS <= s) value = valueOf(p, period, e);
  return value;
}

/** The highest stack level in force among `candidates`. */
function topOf(candidates: HeldProfile[], now: number, txStart: number, e: EvseRating): number | null {
  let best: { level: number; value: number } | null = null;
  for (const p of candidates) {
    const value = limitAt(p, now, txStart, e);
    if (value !== null && (!best || p.stackLevel > best.level)) best = { level: p.stackLevel, value };
  }
  return best?.value ?? null;
}

/**
 * The limit on EVSE `evseId` during transaction `txId` (AC: A per phase; DC: W): the TxProfile of the transaction,
 * else the EVSE's TxDefaultProfile, else the station's, capped by the station max profile. Null: no limit.
 */
export function effectiveLimit(held: HeldProfile[], evseId: number, txId: string | null, txStart: number, now: number, e: EvseRating): number | null {
  const tx = txId === null ? null : topOf(held.filter((p) => p.purpose === 'tx' && p.evseId === evseId && (p.transactionId === null || p.transactionId === txId)), now, txStart, e);
  const own = topOf(held.filter((p) => p.purpose === 'txDefault' && p.evseId === evseId), now, txStart, e);
  const txLimit = tx ?? own ?? topOf(held.filter((p) => p.purpose === 'txDefault' && p.evseId === 0), now, txStart, e);
  const max = topOf(held.filter((p) => p.purpose === 'max'), now, txStart, e);
  if (txLimit === null) return max;
  return max === null ? txLimit : Math.min(txLimit, max);
}
