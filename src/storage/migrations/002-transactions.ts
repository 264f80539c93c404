export default `
CREATE TABLE id_tokens (
  token TEXT PRIMARY KEY COLLATE NOCASE,
  type TEXT NOT NULL DEFAULT 'ISO14443',
  status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'blocked', 'expired', 'invalid')),
  expires_at TEXT,
  group_id TEXT COLLATE NOCASE,
  label TEXT,
  source TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'free-vend')),
  last_used_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  connector_id INTEGER NOT NULL,
  station_tx_id TEXT NOT NULL,
  id_token TEXT,
  id_token_type TEXT,
  group_id TEXT,
  auth_status TEXT,
  stop_id_token TEXT,
  reservation_id INTEGER,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  meter_start_wh REAL,
  meter_stop_wh REAL,
  energy_wh REAL,
  last_meter_wh REAL,
  last_power_w REAL,
  last_sample_at TEXT,
  stop_reason TEXT,
  ended_by TEXT,
  charging_state TEXT,
  seq_no INTEGER,
  offline INTEGER NOT NULL DEFAULT 0,
  start_key TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (station_id, station_tx_id)
);
CREATE INDEX transactions_active ON transactions (station_id, evse_id) WHERE status = 'active';
CREATE INDEX transactions_started ON transactions (started_at);
CREATE INDEX transactions_token ON transactions (id_token);

CREATE TABLE meter_values (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  transaction_id INTEGER,
  timestamp TEXT NOT NULL,
  measurand TEXT NOT NULL,
  phase TEXT,
  location TEXT,
  context TEXT,
  unit TEXT,
  value REAL,
  raw_value TEXT NOT NULL,
  raw_unit TEXT,
  signed_data TEXT
);
CREATE INDEX meter_values_by_transaction ON meter_values (transaction_id, timestamp) WHERE transaction_id IS NOT NULL;
CREATE INDEX meter_values_by_station ON meter_values (station_id, evse_id, timestamp);

CREATE TABLE station_warnings (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX station_warnings_by_station ON station_warnings (station_id, id);

CREATE TABLE data_transfers (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  at TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  vendor_id TEXT NOT NULL,
  message_id TEXT,
  data TEXT,
  status TEXT
);

CREATE TABLE station_configuration (
  station_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT,
  readonly INTEGER NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (station_id, key)
) WITHOUT ROWID;

ALTER TABLE stations ADD COLUMN quirks TEXT NOT NULL DEFAULT '{}';
`;
