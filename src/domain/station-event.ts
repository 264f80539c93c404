/** A reference to a component's variable in a station's device model (OCPP 2.x), as in the device model API. */
export interface ComponentVariableRef {
  component: string;
  componentInstance: string | null;
  evseId: number | null;
  connectorId: number | null;
  variable: string;
  variableInstance: string | null;
}

/** One event a station reported (OCPP 2.x NotifyEvent), and the alarm it raised, if any. */
export interface StationEvent extends ComponentVariableRef {
  id: number;
  stationId: string;
  eventId: number;
  timestamp: string;
  trigger: string;
  cause: number | null;
  actualValue: string;
  techCode: string | null;
  techInfo: string | null;
  cleared: boolean | null;
  transactionId: string | null;
  variableMonitoringId: number | null;
  eventNotificationType: string;
  /** 0 (danger) … 9 (debug): the event's own (2.1) or that of the monitor that raised it, when known. */
  severity: number | null;
  generatedAt: string;
  seqNo: number;
  receivedAt: string;
  /** `active` until a later event (or the operator) clears it; null when the event raised no alarm. */
  alarm: 'active' | 'cleared' | null;
  clearedAt: string | null;
  /** `station` (a return-to-normal event), `operator`, or `superseded` (the same situation reported again). */
  clearedBy: string | null;
}

export type NewStationEvent = Omit<StationEvent, 'id' | 'alarm' | 'clearedAt' | 'clearedBy'>;

const problemFlags = new Set(['Problem', 'Tripped', 'Overload']);
const isTrue = (value: string) => value.trim().toLowerCase() === 'true';

/**
 * Whether an event raises an alarm, clears one, or is only recorded. Alerting events (a threshold monitor
 * crossed) raise until the station reports `cleared`; Delta events raise when a problem flag (Problem, Tripped,
 * Overload) turns true or AvailabilityState becomes Faulted, and clear when it turns back; Periodic
 * events are readings.
 */
export function alarmEffect(event: Pick<NewStationEvent, 'trigger' | 'cleared' | 'variable' | 'actualValue'>): 'raise' | 'clear' | null {
  if (event.cleared === true) return 'clear';
  if (event.trigger === 'Alerting') return 'raise';
  if (event.trigger !== 'Delta') return null;
  if (problemFlags.has(event.variable)) return isTrue(event.actualValue) ? 'raise' : 'clear';
  if (event.variable === 'AvailabilityState') return event.actualValue === 'Faulted' ? 'raise' : 'clear';
  return null;
}

/** Events about the same variable of the same component raise and clear the same alarm. */
export function alarmKey(ref: ComponentVariableRef): string {
  return [ref.component, ref.componentInstance ?? '', ref.evseId ?? '', ref.connectorId ?? '', ref.variable, ref.variableInstance ?? ''].join('|');
}
