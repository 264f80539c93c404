import type { Db } from './database.ts';
import type { Connector, ConnectorStatus, Registration, Station } from '../domain/station.ts';
import type { OcppVersion } from '../ocpp/versions.ts';

interface StationRow {
  id: string;
  registration: Registration;
  ocpp_version: OcppVersion | null;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  iccid: string | null;
  imsi: string | null;
  meter_type: string | null;
  meter_serial_number: string | null;
  status: ConnectorStatus | null;
  error_code: string | null;
  remote_address: string | null;
  connected_at: string | null;
  disconnected_at: string | null;
  last_seen: string | null;
  last_boot_at: string | null;
  boot_reason: string | null;
  quirks: string;
  created_at: string;
  updated_at: string;
}

interface ConnectorRow {
  station_id: string;
  evse_id: number;
  connector_id: number;
  status: ConnectorStatus;
  error_code: string | null;
  vendor_error_code: string | null;
  info: string | null;
  status_at: string | null;
}

function toStation(row: StationRow, connectors: ConnectorRow[]): Station {
  const evses = new Map<number, Connector[]>();
  for (const c of connectors) {
    const list = evses.get(c.evse_id) ?? [];
    list.push({
      connectorId: c.connector_id,
      status: c.status,
      errorCode: c.error_code,
      vendorErrorCode: c.vendor_error_code,
      info: c.info,
      statusAt: c.status_at,
    });
    evses.set(c.evse_id, list);
  }
  return {
    id: row.id,
    quirks: JSON.parse(row.quirks) as Record<string, unknown>,
    registration: row.registration,
    ocppVersion: row.ocpp_version,
    vendor: row.vendor,
    model: row.model,
    serialNumber: row.serial_number,
    firmwareVersion: row.firmware_version,
    iccid: row.iccid,
    imsi: row.imsi,
    meterType: row.meter_type,
    meterSerialNumber: row.meter_serial_number,
    connected: false,
    remoteAddress: row.remote_address,
    connectedAt: row.connected_at,
    disconnectedAt: row.disconnected_at,
    lastSeen: row.last_seen,
    lastBootAt: row.last_boot_at,
    bootReason: row.boot_reason,
    status: row.status,
    errorCode: row.error_code,
    evses: [...evses.entries()].sort(([a], [b]) => a - b).map(([evseId, list]) => ({ evseId, connectors: list.sort((a, b) => a.connectorId - b.connectorId) })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stations and their connectors. Writes are meant to run inside the write queue. */
export class StationsRepo {
  private readonly db: Db;
  private readonly statements;

  constructor(db: Db) {
    this.db = db;
    this.statements = {
      all: db.prepare('SELECT * FROM stations ORDER BY id'),
      allConnectors: db.prepare('SELECT * FROM connectors ORDER BY station_id, evse_id, connector_id'),
      upsert: db.prepare(`INSERT INTO stations (id, registration, ocpp_version, vendor, model, serial_number, firmware_version,
          iccid, imsi, meter_type, meter_serial_number, status, error_code, remote_address, connected_at, disconnected_at,
          last_seen, last_boot_at, boot_reason, quirks, created_at, updated_at)
        VALUES (@id, @registration, @ocppVersion, @vendor, @model, @serialNumber, @firmwareVersion, @iccid, @imsi, @meterType,
          @meterSerialNumber, @status, @errorCode, @remoteAddress, @connectedAt, @disconnectedAt, @lastSeen, @lastBootAt,
          @bootReason, @quirks, @createdAt, @updatedAt)
        ON CONFLICT (id) DO UPDATE SET registration = excluded.registration, ocpp_version = excluded.ocpp_version,
          vendor = excluded.vendor, model = excluded.model, serial_number = excluded.serial_number,
          firmware_version = excluded.firmware_version, iccid = excluded.iccid, imsi = excluded.imsi,
          meter_type = excluded.meter_type, meter_serial_number = excluded.meter_serial_number, status = excluded.status,
          error_code = excluded.error_code, remote_address = excluded.remote_address, connected_at = excluded.connected_at,
          disconnected_at = excluded.disconnected_at, last_seen = excluded.last_seen, last_boot_at = excluded.last_boot_at,
          boot_reason = excluded.boot_reason, quirks = excluded.quirks, updated_at = excluded.updated_at`),
      upsertConnector: db.prepare(`INSERT INTO connectors (station_id, evse_id, connector_id, status, error_code, vendor_error_code, info, status_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE SET status = excluded.status, error_code = excluded.error_code,
          vendor_error_code = excluded.vendor_error_code, info = excluded.info, status_at = excluded.status_at`),
      lastSeen: db.prepare('UPDATE stations SET last_seen = ? WHERE id = ?'),
    };
  }

  loadAll(): Station[] {
    const connectors = this.statements.allConnectors.all() as ConnectorRow[];
    const byStation = new Map<string, ConnectorRow[]>();
    for (const c of connectors) {
      const list = byStation.get(c.station_id) ?? [];
      list.push(c);
      byStation.set(c.station_id, list);
    }
    return (this.statements.all.all() as StationRow[]).map((row) => toStation(row, byStation.get(row.id) ?? []));
  }

  save(station: Station): void {
    const { evses: _evses, connected: _connected, quirks, ...fields } = station;
    this.statements.upsert.run({ ...fields, quirks: JSON.stringify(quirks) });
  }

  saveConnector(stationId: string, evseId: number, c: Connector): void {
    this.statements.upsertConnector.run(stationId, evseId, c.connectorId, c.status, c.errorCode, c.vendorErrorCode, c.info, c.statusAt);
  }

  saveLastSeen(entries: Iterable<[string, string]>): void {
    this.db.transaction(() => {
      for (const [id, at] of entries) this.statements.lastSeen.run(at, id);
    })();
  }
}
