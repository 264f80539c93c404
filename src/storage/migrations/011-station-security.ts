export default `
-- Apart from the stations table: what is here must never reach the Station record, its events or its API shape.
CREATE TABLE station_security (
  station_id TEXT PRIMARY KEY,
  -- The lowest security profile the station may connect with; NULL: not known yet (see docs/security.md).
  security_profile INTEGER CHECK (security_profile BETWEEN 0 AND 3),
  profile_reason TEXT,
  -- An upgrade sent to the station: accepted once the station has connected with it, the old profile until then.
  pending_profile INTEGER CHECK (pending_profile BETWEEN 1 AND 3),
  pending_since TEXT,
  password_hash TEXT,
  -- While a password change is under way the station may still use the one before.
  previous_password_hash TEXT,
  password_set_at TEXT,
  last_profile INTEGER,
  last_credential TEXT,
  last_certificate_serial TEXT,
  last_address TEXT,
  last_host TEXT,
  last_authenticated_at TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Stations that connected before security profiles existed did so without credentials: they keep that
-- (profile 0, flagged 'legacy') instead of being locked out by the upgrade.
INSERT INTO station_security (station_id, security_profile, profile_reason, updated_at)
  SELECT id, 0, 'legacy', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM stations;

CREATE TABLE issued_certificates (
  serial_number TEXT PRIMARY KEY,
  station_id TEXT NOT NULL,
  csr_id INTEGER,
  certificate_type TEXT NOT NULL,
  subject TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  certificate TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'accepted', 'rejected', 'failed')),
  revoked_at TEXT,
  revocation_reason TEXT,
  renewal_requested_at TEXT
) WITHOUT ROWID;
CREATE INDEX issued_certificates_by_station ON issued_certificates (station_id, not_after);
`;
