import type { ComponentVariableRef } from './station-event.ts';

/** A variable monitor on an OCPP 2.x station (its "monitor inventory"), as reported or as Ampyard set it. */
export interface VariableMonitor extends ComponentVariableRef {
  id: number;
  /** UpperThreshold, LowerThreshold, Delta, Periodic, PeriodicClockAligned (2.1 also TargetDelta, TargetDeltaRelative). */
  type: string;
  value: number;
  severity: number;
  /** Only active during a transaction. */
  transaction: boolean;
  /** 2.1 reports it: HardWiredMonitor, PreconfiguredMonitor or CustomMonitor. */
  eventNotificationType: string | null;
  /** `report` (NotifyMonitoringReport) or `ampyard` (accepted SetVariableMonitoring). */
  source: 'report' | 'ampyard';
  updatedAt: string;
}

export interface MonitoringState {
  /** The last base (All, FactoryDefault, HardWiredOnly) the station accepted from Ampyard. */
  monitoringBase: string | null;
  monitoringBaseAt: string | null;
  /** The last severity level the station accepted: events of a higher number (less severe) are not reported. */
  monitoringLevel: number | null;
  monitoringLevelAt: string | null;
}
