const jobColumns = 'id, station_id, kind, request_id, firmware_id, location, upload_token, upload_open, file_name, params, status, state, created_at, updated_at';
const historyColumns = 'id, job_id, at, status, source, detail';
const fileColumns = 'id, station_id, job_id, name, content_type, size, sha256, stored_as, received_at';

export default `
-- Station jobs gain the kind 'publish-firmware' (OCPP 2.x PublishFirmware: a local controller serves a firmware
-- image to its stations) and a result (e.g. the URIs it published at). SQLite cannot change a CHECK constraint,
-- so the table is rebuilt. Its history and files reference it with ON DELETE actions, which dropping it would
-- fire, so they are set aside and rebuilt too. The AUTOINCREMENT sequence is kept: job ids are requestIds.
CREATE TABLE m12_jobs AS SELECT ${jobColumns} FROM station_jobs;
CREATE TABLE m12_history AS SELECT ${historyColumns} FROM station_job_history;
CREATE TABLE m12_files AS SELECT ${fileColumns} FROM station_files;
CREATE TABLE m12_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'station_jobs';
DROP TABLE station_job_history;
DROP TABLE station_files;
DROP TABLE station_jobs;

CREATE TABLE station_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('firmware', 'signed-firmware', 'diagnostics', 'log', 'publish-firmware')),
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
  updated_at TEXT NOT NULL,
  result TEXT
);
INSERT INTO station_jobs (${jobColumns}) SELECT ${jobColumns} FROM m12_jobs;
CREATE INDEX station_jobs_by_station ON station_jobs (station_id, kind, id);
CREATE INDEX station_jobs_by_request ON station_jobs (station_id, request_id) WHERE request_id IS NOT NULL;
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM m12_sequence)) WHERE name = 'station_jobs' AND EXISTS (SELECT 1 FROM m12_sequence);
INSERT INTO sqlite_sequence (name, seq) SELECT 'station_jobs', seq FROM m12_sequence
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'station_jobs');

CREATE TABLE station_job_history (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES station_jobs(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('ampyard', 'station')),
  detail TEXT
);
INSERT INTO station_job_history (${historyColumns}) SELECT ${historyColumns} FROM m12_history;
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
INSERT INTO station_files (${fileColumns}) SELECT ${fileColumns} FROM m12_files;
CREATE INDEX station_files_by_station ON station_files (station_id, id);

DROP TABLE m12_jobs;
DROP TABLE m12_history;
DROP TABLE m12_files;
DROP TABLE m12_sequence;

-- OCPP 2.x K: GetChargingProfiles and the ReportChargingProfiles parts that answer it.
CREATE TABLE charging_profile_reports (
  station_id TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  criteria TEXT NOT NULL DEFAULT '{}',
  status TEXT,
  requested_at TEXT NOT NULL,
  parts_received INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT,
  PRIMARY KEY (station_id, request_id)
) WITHOUT ROWID;

CREATE TABLE reported_charging_profiles (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  evse_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  profile TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX reported_charging_profiles_by_request ON reported_charging_profiles (station_id, request_id, id);

-- External limits (NotifyChargingLimit) in force, per station, EVSE (0: the whole station) and source.
CREATE TABLE charging_limits (
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  data TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  PRIMARY KEY (station_id, evse_id, source)
) WITHOUT ROWID;

-- What the EV on an EVSE asked for (NotifyEVChargingNeeds) and the schedule it chose (NotifyEVChargingSchedule).
CREATE TABLE ev_charging_needs (
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  transaction_id INTEGER,
  data TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  PRIMARY KEY (station_id, evse_id)
) WITHOUT ROWID;

CREATE TABLE ev_charging_schedules (
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  transaction_id INTEGER,
  data TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  PRIMARY KEY (station_id, evse_id)
) WITHOUT ROWID;

-- OCPP 2.x M: ISO 15118 certificate requests from stations and how Ampyard answered them.
CREATE TABLE iso15118_requests (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('Get15118EVCertificate', 'GetCertificateStatus')),
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  reason_code TEXT,
  reason TEXT,
  answered_by TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX iso15118_requests_by_station ON iso15118_requests (station_id, id);
`;
