import type { OcppVersion } from '../ocpp/versions.ts';

export type Registration = 'pending' | 'accepted' | 'rejected';

/** Version-neutral connector state; OCPP 1.6's finer states are kept, 2.0.1's Occupied maps to `occupied`. */
export const connectorStatuses = [
  'available',
  'preparing',
  'charging',
  'suspended_ev',
  'suspended_evse',
  'finishing',
  'reserved',
  'unavailable',
  'faulted',
  'occupied',
  'unknown',
] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];

export interface Connector {
  connectorId: number;
  status: ConnectorStatus;
  errorCode: string | null;
  vendorErrorCode: string | null;
  info: string | null;
  statusAt: string | null;
}

export interface Evse {
  evseId: number;
  connectors: Connector[];
}

export interface StationIdentity {
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  iccid: string | null;
  imsi: string | null;
  meterType: string | null;
  meterSerialNumber: string | null;
}

/**
 * Per-station settings for brand quirks (never hard-coded per vendor): e.g. `idTagSuffixSeparator` for chargers
 * that append their serial to the id tag. Feature modules read the keys they know.
 */
export type StationQuirks = Record<string, unknown>;

export interface Station extends StationIdentity {
  id: string;
  quirks: StationQuirks;
  registration: Registration;
  ocppVersion: OcppVersion | null;
  connected: boolean;
  remoteAddress: string | null;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastSeen: string | null;
  lastBootAt: string | null;
  bootReason: string | null;
  /** Station-wide status (OCPP 1.6 connector 0). */
  status: ConnectorStatus | null;
  errorCode: string | null;
  evses: Evse[];
  createdAt: string;
  updatedAt: string;
}

export interface ConnectorUpdate {
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  errorCode: string | null;
  vendorErrorCode: string | null;
  info: string | null;
  timestamp: string;
}

/** Station ids travel in URLs and in Basic-auth user names (which cannot hold ':'); OCPP caps them at 48 chars. */
export function isValidStationId(id: string): boolean {
  return /^[A-Za-z0-9._\-*+=@#$%&!~^|]{1,48}$/.test(id);
}
