/** A charging session, version-neutral. `id` is Ampyard's (and the OCPP 1.6 transactionId). */
export interface Transaction {
  id: number;
  stationId: string;
  evseId: number;
  connectorId: number;
  /** The station's own id: 2.0.1's transactionId string; for 1.6 the decimal of `id`. */
  stationTxId: string;
  idToken: string | null;
  idTokenType: string | null;
  groupId: string | null;
  authStatus: string | null;
  stopIdToken: string | null;
  reservationId: number | null;
  status: 'active' | 'ended';
  startedAt: string;
  endedAt: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  energyWh: number | null;
  lastMeterWh: number | null;
  lastPowerW: number | null;
  lastSampleAt: string | null;
  stopReason: string | null;
  /** Who ended it: `station`, or `reconciled-boot` / `reconciled-status` / `superseded` when Ampyard closed it. */
  endedBy: string | null;
  chargingState: string | null;
  seqNo: number | null;
  offline: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TransactionFilter {
  stationId?: string;
  status?: 'active' | 'ended';
  idToken?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}
