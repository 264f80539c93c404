/**
 * A charging schedule as an OCPP 2.x station reports it: an external limit (NotifyChargingLimit), the plan an
 * EV chose (NotifyEVChargingSchedule) or a profile the station holds (ReportChargingProfiles). Unlike the
 * profiles Ampyard sets (src/domain/charging-profile.ts), a period may have no limit (OCPP 2.1 setpoints).
 */
export interface ReportedSchedulePeriod {
  /** Seconds from the start of the schedule. */
  startSeconds: number;
  /** In the schedule's unit; null when the period sets something else (2.1: setpoint, discharge limit). */
  limit: number | null;
  phases: number | null;
  phaseToUse: number | null;
}

export interface ReportedSchedule {
  id: number | null;
  unit: 'A' | 'W';
  startSchedule: string | null;
  duration: number | null;
  minRate: number | null;
  periods: ReportedSchedulePeriod[];
}
