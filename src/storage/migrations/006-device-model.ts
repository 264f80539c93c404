export default `
CREATE TABLE device_model (
  station_id TEXT NOT NULL,
  component TEXT NOT NULL,
  component_instance TEXT NOT NULL DEFAULT '',
  evse_id INTEGER NOT NULL DEFAULT -1,
  connector_id INTEGER NOT NULL DEFAULT -1,
  variable TEXT NOT NULL,
  variable_instance TEXT NOT NULL DEFAULT '',
  attribute_type TEXT NOT NULL DEFAULT 'Actual',
  value TEXT,
  mutability TEXT,
  persistent INTEGER,
  constant INTEGER,
  data_type TEXT,
  unit TEXT,
  min_limit REAL,
  max_limit REAL,
  values_list TEXT,
  supports_monitoring INTEGER,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (station_id, component, component_instance, evse_id, connector_id, variable, variable_instance, attribute_type)
) WITHOUT ROWID;

CREATE TABLE device_reports (
  station_id TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  status TEXT,
  parts_received INTEGER NOT NULL DEFAULT 0,
  last_seq_no INTEGER,
  completed_at TEXT,
  PRIMARY KEY (station_id, request_id)
) WITHOUT ROWID;
`;
