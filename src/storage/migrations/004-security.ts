export default `
CREATE TABLE security_events (
  id INTEGER PRIMARY KEY,
  station_id TEXT,
  source TEXT NOT NULL CHECK (source IN ('station', 'csms')),
  type TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  tech_info TEXT,
  received_at TEXT NOT NULL
);
CREATE INDEX security_events_by_time ON security_events (timestamp, id);
CREATE INDEX security_events_by_station ON security_events (station_id, timestamp, id);

CREATE TABLE certificate_signing_requests (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  certificate_type TEXT,
  request_id INTEGER,
  csr TEXT NOT NULL,
  subject TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'rejected', 'superseded', 'installed')),
  reject_reason TEXT,
  received_at TEXT NOT NULL,
  certificate_chain TEXT,
  certificate_sent_at TEXT,
  certificate_status TEXT CHECK (certificate_status IN ('accepted', 'rejected')),
  updated_at TEXT NOT NULL
);
CREATE INDEX certificate_signing_requests_by_station ON certificate_signing_requests (station_id, id);

CREATE TABLE station_certificates (
  station_id TEXT NOT NULL,
  certificate_type TEXT NOT NULL,
  hash_algorithm TEXT NOT NULL,
  issuer_name_hash TEXT NOT NULL COLLATE NOCASE,
  issuer_key_hash TEXT NOT NULL COLLATE NOCASE,
  serial_number TEXT NOT NULL COLLATE NOCASE,
  child_certificate_hash_data TEXT,
  source TEXT NOT NULL CHECK (source IN ('station', 'installed')),
  certificate TEXT,
  reported_at TEXT NOT NULL,
  PRIMARY KEY (station_id, certificate_type, hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number)
) WITHOUT ROWID;

CREATE TABLE station_certificate_checks (
  station_id TEXT NOT NULL,
  certificate_type TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY (station_id, certificate_type)
) WITHOUT ROWID;
`;
