import type { ReportedSchedule } from '../../domain/reported-schedule.ts';
import { int, list, num, obj, text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

/** OCPP 2.x ChargingScheduleType → neutral (2.1-only fields such as setpoints stay out; see the message log). */
export function scheduleFrom2x(value: unknown): ReportedSchedule {
  const s = obj(value);
  const start = text(s['startSchedule']);
  return {
    id: int(s['id']),
    unit: s['chargingRateUnit'] === 'W' ? 'W' : 'A',
    startSchedule: start ? normalizeTimestamp(start) : null,
    duration: int(s['duration']),
    minRate: num(s['minChargingRate']),
    periods: list(s['chargingSchedulePeriod']).map((p) => ({
      startSeconds: int(p['startPeriod']) ?? 0,
      limit: num(p['limit']),
      phases: int(p['numberPhases']),
      phaseToUse: int(p['phaseToUse']),
    })),
  };
}

export const schedulesFrom2x = (value: unknown): ReportedSchedule[] => (Array.isArray(value) ? value.map(scheduleFrom2x) : []);
