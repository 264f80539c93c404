/** `station`: reported by a station (SecurityEventNotification, any OCPP version); `csms`: Ampyard's own. */
export type SecurityEventSource = 'station' | 'csms';

/** One entry of the security event log, version-neutral (OCPP 1.6 security extension and 2.x alike). */
export interface SecurityEvent {
  id: number;
  /** Null for Ampyard's own events that concern no particular station. */
  stationId: string | null;
  source: SecurityEventSource;
  /** The OCPP security event type, e.g. `FirmwareUpdated`, `InvalidCentralSystemCertificate`, or Ampyard's own. */
  type: string;
  /** When it happened (station's clock for station events). */
  timestamp: string;
  techInfo: string | null;
  receivedAt: string;
}

export interface SecurityEventFilter {
  stationId?: string;
  type?: string;
  source?: SecurityEventSource;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}
