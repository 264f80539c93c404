export type ChargingProfilePurpose = 'stationMax' | 'txDefault' | 'tx';
export type ChargingProfileKind = 'absolute' | 'recurring' | 'relative';
export type ChargingRateUnit = 'A' | 'W';

export interface ChargingSchedulePeriod {
  /** Seconds from the start of the schedule. */
  startSeconds: number;
  /** In the schedule's unit; at most one decimal (both OCPP versions require it). */
  limit: number;
  phases?: number;
}

export interface ChargingSchedule {
  unit: ChargingRateUnit;
  periods: ChargingSchedulePeriod[];
  duration?: number;
  startSchedule?: string;
  minRate?: number;
}

/** A charging profile, version-neutral. `transactionId` is Ampyard's transaction id (tx profiles only). */
export interface ChargingProfile {
  id: number;
  stackLevel: number;
  purpose: ChargingProfilePurpose;
  kind: ChargingProfileKind;
  recurrency?: 'daily' | 'weekly';
  validFrom?: string;
  validTo?: string;
  transactionId?: number;
  schedule: ChargingSchedule;
}

const limit = { type: 'number', minimum: 0, maximum: 1e9 };
const time = { type: 'string', format: 'date-time' };

export const chargingScheduleSchema = {
  type: 'object',
  properties: {
    unit: { enum: ['A', 'W'] },
    periods: {
      type: 'array',
      minItems: 1,
      maxItems: 1024,
      items: {
        type: 'object',
        properties: { startSeconds: { type: 'integer', minimum: 0 }, limit, phases: { type: 'integer', minimum: 1, maximum: 3 } },
        required: ['startSeconds', 'limit'],
        additionalProperties: false,
      },
    },
    duration: { type: 'integer', minimum: 1 },
    startSchedule: time,
    minRate: limit,
  },
  required: ['unit', 'periods'],
  additionalProperties: false,
};

/** JSON schema of the neutral profile; `id` may be left out for Ampyard to choose one. */
export const chargingProfileSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    stackLevel: { type: 'integer', minimum: 0, maximum: 1000 },
    purpose: { enum: ['stationMax', 'txDefault', 'tx'] },
    kind: { enum: ['absolute', 'recurring', 'relative'] },
    recurrency: { enum: ['daily', 'weekly'] },
    validFrom: time,
    validTo: time,
    transactionId: { type: 'integer', minimum: 1 },
    schedule: chargingScheduleSchema,
  },
  required: ['stackLevel', 'purpose', 'kind', 'schedule'],
  additionalProperties: false,
};

const oneDecimal = (value: number) => Math.abs(value * 10 - Math.round(value * 10)) < 1e-6;

/** Rounds to the one decimal both OCPP versions allow (so 16.2 is exactly the double nearest 16.2). */
export const tenths = (value: number) => Math.round(value * 10) / 10;

/** The rules a JSON schema cannot say: one entry per broken rule, by field. */
export function chargingProfileProblems(evseId: number, profile: Omit<ChargingProfile, 'id'> & { id?: number }, field = 'profile'): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  const at = (path: string, message: string) => errors.push({ field: `${field}.${path}`, message });
  const { schedule } = profile;
  schedule.periods.forEach((period, i) => {
    if (i === 0 && period.startSeconds !== 0) at('schedule.periods.0.startSeconds', 'must be 0 (the first period starts the schedule)');
    if (i > 0 && period.startSeconds <= schedule.periods[i - 1]!.startSeconds) at(`schedule.periods.${i}.startSeconds`, 'must be after the previous period’s start');
    if (!oneDecimal(period.limit)) at(`schedule.periods.${i}.limit`, 'must have at most one decimal');
  });
  if (schedule.minRate !== undefined && !oneDecimal(schedule.minRate)) at('schedule.minRate', 'must have at most one decimal');
  if (profile.purpose === 'stationMax' && evseId !== 0) errors.push({ field: 'evseId', message: 'must be 0 for a stationMax profile' });
  if (profile.purpose === 'tx' && evseId === 0) errors.push({ field: 'evseId', message: 'must be an EVSE (not 0) for a tx profile' });
  if (profile.purpose === 'tx' && profile.transactionId === undefined) at('transactionId', 'is required for a tx profile');
  if (profile.purpose !== 'tx' && profile.transactionId !== undefined) at('transactionId', 'is only allowed for a tx profile');
  if (profile.kind === 'recurring' && !profile.recurrency) at('recurrency', 'is required for a recurring profile');
  if (profile.kind !== 'recurring' && profile.recurrency) at('recurrency', 'is only allowed for a recurring profile');
  if (profile.kind === 'relative' && schedule.startSchedule) at('schedule.startSchedule', 'is not allowed for a relative profile');
  if (profile.kind !== 'relative' && !schedule.startSchedule) at('schedule.startSchedule', `is required for an ${profile.kind} profile`);
  if (profile.validFrom && profile.validTo && Date.parse(profile.validFrom) >= Date.parse(profile.validTo)) at('validTo', 'must be after validFrom');
  return errors;
}

/** Whether the profile can still apply at `now` (not past validTo, nor past the end of a one-off absolute schedule). */
export function stillValid(profile: ChargingProfile, now = Date.now()): boolean {
  if (profile.validTo && Date.parse(profile.validTo) <= now) return false;
  const { startSchedule, duration } = profile.schedule;
  if (profile.kind === 'absolute' && startSchedule && duration !== undefined && Date.parse(startSchedule) + duration * 1000 <= now) return false;
  return true;
}
