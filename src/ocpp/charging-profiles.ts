import { tenths, type ChargingProfile, type ChargingSchedule } from '../domain/charging-profile.ts';
import { int, list, num, obj, text } from './payload.ts';
import type { Payload } from './rpc/frames.ts';

const kinds = { absolute: 'Absolute', recurring: 'Recurring', relative: 'Relative' } as const;
const recurrencies = { daily: 'Daily', weekly: 'Weekly' } as const;
const purposes16 = { stationMax: 'ChargePointMaxProfile', txDefault: 'TxDefaultProfile', tx: 'TxProfile' } as const;
const purposes2 = { stationMax: 'ChargingStationMaxProfile', txDefault: 'TxDefaultProfile', tx: 'TxProfile' } as const;

export const purposeTo16 = (purpose: ChargingProfile['purpose']) => purposes16[purpose];
export const purposeTo2 = (purpose: ChargingProfile['purpose']) => purposes2[purpose];

/** The schedule fields both versions share (1.6 ChargingSchedule; 2.x ChargingScheduleType without its id). */
function schedule(s: ChargingSchedule): Payload {
  const out: Payload = {};
  if (s.startSchedule) out['startSchedule'] = s.startSchedule;
  if (s.duration !== undefined) out['duration'] = s.duration;
  out['chargingRateUnit'] = s.unit;
  out['chargingSchedulePeriod'] = s.periods.map((p) => ({ startPeriod: p.startSeconds, limit: tenths(p.limit), ...(p.phases ? { numberPhases: p.phases } : {}) }));
  if (s.minRate !== undefined) out['minChargingRate'] = tenths(s.minRate);
  return out;
}

function common(profile: ChargingProfile): Payload {
  const out: Payload = {};
  if (profile.recurrency) out['recurrencyKind'] = recurrencies[profile.recurrency];
  if (profile.validFrom) out['validFrom'] = profile.validFrom;
  if (profile.validTo) out['validTo'] = profile.validTo;
  return out;
}

/** OCPP 1.6 SetChargingProfile.req: connector 0 is the whole charge point; the transactionId is Ampyard's. */
export function setChargingProfile16(evseId: number, profile: ChargingProfile): Payload {
  const csChargingProfiles: Payload = {
    chargingProfileId: profile.id,
    ...(profile.transactionId !== undefined ? { transactionId: profile.transactionId } : {}),
    stackLevel: profile.stackLevel,
    chargingProfilePurpose: purposes16[profile.purpose],
    chargingProfileKind: kinds[profile.kind],
    ...common(profile),
    chargingSchedule: schedule(profile.schedule),
  };
  return { connectorId: evseId, csChargingProfiles };
}

/** OCPP 2.0.1/2.1 SetChargingProfileRequest; a tx profile names the station's own transaction id. */
export function setChargingProfile2(evseId: number, profile: ChargingProfile, stationTxId?: string): Payload {
  const chargingProfile: Payload = {
    id: profile.id,
    stackLevel: profile.stackLevel,
    chargingProfilePurpose: purposes2[profile.purpose],
    chargingProfileKind: kinds[profile.kind],
    ...common(profile),
    chargingSchedule: [{ id: profile.id, ...schedule(profile.schedule) }],
    ...(stationTxId !== undefined ? { transactionId: stationTxId } : {}),
  };
  return { evseId, chargingProfile };
}

/** A schedule as a station reports it (1.6 and 2.x use the same field names), in neutral form. */
export function scheduleFromOcpp(value: unknown): ChargingSchedule | null {
  const s = obj(value);
  const unit = text(s['chargingRateUnit']);
  if (unit !== 'A' && unit !== 'W') return null;
  const periods = list(s['chargingSchedulePeriod']).map((p) => {
    const phases = int(p['numberPhases']);
    return { startSeconds: int(p['startPeriod']) ?? 0, limit: num(p['limit']) ?? 0, ...(phases !== null ? { phases } : {}) };
  });
  const out: ChargingSchedule = { unit, periods };
  const duration = int(s['duration']);
  if (duration !== null) out.duration = duration;
  const start = text(s['startSchedule']);
  if (start) out.startSchedule = start;
  const minRate = num(s['minChargingRate']);
  if (minRate !== null) out.minRate = minRate;
  return out;
}

/** GetCompositeSchedule's answer: 1.6 has scheduleStart and chargingSchedule at the top, 2.x a `schedule` object. */
export function compositeScheduleFromOcpp(response: Payload, version: string): { evseId: number | null; scheduleStart: string | null; schedule: ChargingSchedule | null } {
  if (version === '1.6') {
    return { evseId: int(response['connectorId']), scheduleStart: text(response['scheduleStart']), schedule: scheduleFromOcpp(response['chargingSchedule']) };
  }
  const composite = obj(response['schedule']);
  const schedule = scheduleFromOcpp(composite);
  const duration = int(composite['duration']);
  if (schedule && duration !== null) schedule.duration = duration;
  return { evseId: int(composite['evseId']), scheduleStart: text(composite['scheduleStart']), schedule };
}
