// Component references are stored with '' / -1 for "none" where they are part of a key (as in device_model).
export default `
CREATE TABLE station_events (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  trigger TEXT NOT NULL,
  cause INTEGER,
  actual_value TEXT NOT NULL,
  tech_code TEXT,
  tech_info TEXT,
  cleared INTEGER,
  transaction_id TEXT,
  component TEXT NOT NULL,
  component_instance TEXT,
  evse_id INTEGER,
  connector_id INTEGER,
  variable TEXT NOT NULL,
  variable_instance TEXT,
  variable_monitoring_id INTEGER,
  event_notification_type TEXT NOT NULL,
  severity INTEGER,
  generated_at TEXT NOT NULL,
  seq_no INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  alarm_key TEXT NOT NULL,
  alarm TEXT CHECK (alarm IN ('active', 'cleared')),
  cleared_at TEXT,
  cleared_by TEXT,
  UNIQUE (station_id, event_id, timestamp)
);
CREATE INDEX station_events_by_station ON station_events (station_id, id);
CREATE INDEX station_events_alarms ON station_events (alarm, id) WHERE alarm IS NOT NULL;
CREATE INDEX station_events_active_by_key ON station_events (station_id, alarm_key) WHERE alarm = 'active';

CREATE TABLE station_monitors (
  station_id TEXT NOT NULL,
  monitor_id INTEGER NOT NULL,
  component TEXT NOT NULL,
  component_instance TEXT,
  evse_id INTEGER,
  connector_id INTEGER,
  variable TEXT NOT NULL,
  variable_instance TEXT,
  type TEXT NOT NULL,
  value REAL NOT NULL,
  severity INTEGER NOT NULL,
  transaction_only INTEGER NOT NULL DEFAULT 0,
  event_notification_type TEXT,
  source TEXT NOT NULL CHECK (source IN ('report', 'ampyard')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (station_id, monitor_id)
) WITHOUT ROWID;

CREATE TABLE station_monitoring (
  station_id TEXT PRIMARY KEY,
  monitoring_base TEXT,
  monitoring_base_at TEXT,
  monitoring_level INTEGER,
  monitoring_level_at TEXT
) WITHOUT ROWID;

CREATE TABLE station_report_requests (
  station_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('monitoring', 'display-messages', 'customer-information')),
  request_id INTEGER NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  requested_at TEXT NOT NULL,
  status TEXT,
  parts_received INTEGER NOT NULL DEFAULT 0,
  last_seq_no INTEGER,
  completed_at TEXT,
  PRIMARY KEY (station_id, kind, request_id)
) WITHOUT ROWID;

CREATE TABLE customer_information_parts (
  station_id TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  seq_no INTEGER NOT NULL,
  data TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (station_id, request_id, seq_no)
) WITHOUT ROWID;

CREATE TABLE display_messages (
  station_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  info TEXT NOT NULL,
  set_at TEXT,
  reported_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (station_id, message_id)
) WITHOUT ROWID;

CREATE TABLE tariffs (
  id INTEGER PRIMARY KEY,
  group_id TEXT NOT NULL DEFAULT '' COLLATE NOCASE UNIQUE,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  price_per_kwh REAL NOT NULL DEFAULT 0,
  price_per_hour REAL NOT NULL DEFAULT 0,
  session_fee REAL NOT NULL DEFAULT 0,
  message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE transaction_costs (
  transaction_id INTEGER PRIMARY KEY,
  tariff TEXT NOT NULL,
  currency TEXT NOT NULL,
  total_cost REAL NOT NULL,
  energy_wh REAL NOT NULL,
  duration_seconds INTEGER NOT NULL,
  final INTEGER NOT NULL DEFAULT 0,
  computed_at TEXT NOT NULL,
  sent_at TEXT,
  sent_cost REAL
);

CREATE TABLE ocpp21_messages (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  action TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('call', 'send')),
  payload TEXT NOT NULL,
  answer TEXT,
  received_at TEXT NOT NULL
);
CREATE INDEX ocpp21_messages_by_station ON ocpp21_messages (station_id, id);
`;
