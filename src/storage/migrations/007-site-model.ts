// The load-management site model: circuit tree, stations' electrical set-up, fleet vehicles, site-wide settings.
// Each row keeps its editable fields as one JSON document (validated by src/balancer/site before it is stored).
export default `
CREATE TABLE site_circuits (
  id TEXT PRIMARY KEY,
  parent_id TEXT,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX site_circuits_by_parent ON site_circuits (parent_id);

CREATE TABLE site_stations (
  station_id TEXT PRIMARY KEY,
  circuit_id TEXT NOT NULL,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX site_stations_by_circuit ON site_stations (circuit_id);

CREATE TABLE site_vehicles (
  id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE site_vehicle_tokens (
  token TEXT PRIMARY KEY,
  vehicle_id TEXT NOT NULL
);
CREATE INDEX site_vehicle_tokens_by_vehicle ON site_vehicle_tokens (vehicle_id);

CREATE TABLE site_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
