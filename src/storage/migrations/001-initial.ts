export default `
CREATE TABLE stations (
  id TEXT PRIMARY KEY,
  registration TEXT NOT NULL DEFAULT 'pending' CHECK (registration IN ('pending', 'accepted', 'rejected')),
  ocpp_version TEXT,
  vendor TEXT,
  model TEXT,
  serial_number TEXT,
  firmware_version TEXT,
  iccid TEXT,
  imsi TEXT,
  meter_type TEXT,
  meter_serial_number TEXT,
  status TEXT,
  error_code TEXT,
  status_at TEXT,
  remote_address TEXT,
  connected_at TEXT,
  disconnected_at TEXT,
  last_seen TEXT,
  last_boot_at TEXT,
  boot_reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE connectors (
  station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id INTEGER NOT NULL,
  connector_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'unknown',
  error_code TEXT,
  vendor_error_code TEXT,
  info TEXT,
  status_at TEXT,
  PRIMARY KEY (station_id, evse_id, connector_id)
) WITHOUT ROWID;

CREATE TABLE ocpp_messages (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  at TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_type TEXT NOT NULL,
  message_id TEXT NOT NULL,
  action TEXT,
  payload TEXT NOT NULL
);
CREATE INDEX ocpp_messages_by_station ON ocpp_messages (station_id, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
