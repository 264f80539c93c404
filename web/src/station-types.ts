// Station shapes as returned by the HTTP API (see docs/contracts.md, "Station").

export type Registration = 'pending' | 'accepted' | 'rejected';
export type OcppVersion = '1.6' | '2.0.1' | '2.1';

export type ConnectorStatus =
  | 'available'
  | 'preparing'
  | 'charging'
  | 'suspended_ev'
  | 'suspended_evse'
  | 'finishing'
  | 'reserved'
  | 'unavailable'
  | 'faulted'
  | 'occupied'
  | 'unknown';

export interface Connector {
  connectorId: number;
  status: ConnectorStatus | null;
  errorCode: string | null;
  vendorErrorCode?: string | null;
  info?: string | null;
  statusAt?: string | null;
}

export interface Evse {
  evseId: number;
  connectors: Connector[];
}

export interface Station {
  id: string;
  registration: Registration;
  ocppVersion: OcppVersion | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  connected: boolean;
  lastSeen: string | null;
  connectedAt: string | null;
  lastBootAt: string | null;
  /** Station-level status, e.g. OCPP 1.6 connector 0. */
  status: ConnectorStatus | null;
  errorCode: string | null;
  evses: Evse[];
  /** Brand quirks the protocol handling follows (e.g. `idTagSuffixSeparator`, `energyRegisterUnit`). */
  quirks: Record<string, unknown>;
}

/** Payload of the `connector.updated` server-sent event. */
export interface ConnectorUpdate {
  stationId: string;
  evseId: number;
  connectorId: number;
  status: ConnectorStatus | null;
  errorCode: string | null;
}
