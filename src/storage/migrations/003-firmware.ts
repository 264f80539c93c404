export default `
CREATE TABLE firmware_files (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  stored_as TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE station_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('firmware', 'signed-firmware', 'diagnostics', 'log')),
  request_id INTEGER,
  firmware_id INTEGER REFERENCES firmware_files(id) ON DELETE SET NULL,
  location TEXT NOT NULL,
  upload_token TEXT UNIQUE,
  upload_open INTEGER NOT NULL DEFAULT 0,
  file_name TEXT,
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'succeeded', 'failed')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX station_jobs_by_station ON station_jobs (station_id, kind, id);
CREATE INDEX station_jobs_by_request ON station_jobs (station_id, request_id) WHERE request_id IS NOT NULL;

CREATE TABLE station_job_history (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES station_jobs(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('ampyard', 'station')),
  detail TEXT
);
CREATE INDEX station_job_history_by_job ON station_job_history (job_id, id);

CREATE TABLE station_files (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  job_id INTEGER REFERENCES station_jobs(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  content_type TEXT,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  stored_as TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX station_files_by_station ON station_files (station_id, id);

CREATE TABLE station_firmware_state (
  station_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  job_id INTEGER,
  at TEXT NOT NULL
) WITHOUT ROWID;
`;
