const now = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const onList = (row: 'NEW' | 'OLD') => `(${row}.source = 'operator' AND ${row}.in_local_list = 1)`;

// The local authorization list is every operator token not excluded from it. Triggers log each change of a
// listed token (including its removal) with a revision number, so a differential update can send exactly the
// tokens changed since the revision a station accepted, whichever code path changed id_tokens. The type is kept
// because an OCPP 2.x removal names the token with its type.
export default `
ALTER TABLE id_tokens ADD COLUMN in_local_list INTEGER NOT NULL DEFAULT 1;

CREATE TABLE local_list_changes (
  revision INTEGER PRIMARY KEY AUTOINCREMENT,
  token TEXT NOT NULL COLLATE NOCASE,
  type TEXT,
  at TEXT NOT NULL
);

CREATE TRIGGER id_tokens_local_list_insert AFTER INSERT ON id_tokens WHEN ${onList('NEW')}
BEGIN
  INSERT INTO local_list_changes (token, type, at) VALUES (NEW.token, NEW.type, ${now});
END;

CREATE TRIGGER id_tokens_local_list_delete AFTER DELETE ON id_tokens WHEN ${onList('OLD')}
BEGIN
  INSERT INTO local_list_changes (token, type, at) VALUES (OLD.token, OLD.type, ${now});
END;

CREATE TRIGGER id_tokens_local_list_update AFTER UPDATE ON id_tokens
WHEN (${onList('OLD')} OR ${onList('NEW')}) AND (OLD.token IS NOT NEW.token OR OLD.type IS NOT NEW.type
  OR OLD.status IS NOT NEW.status OR OLD.expires_at IS NOT NEW.expires_at OR OLD.group_id IS NOT NEW.group_id
  OR OLD.source IS NOT NEW.source OR OLD.in_local_list IS NOT NEW.in_local_list)
BEGIN
  INSERT INTO local_list_changes (token, type, at) SELECT OLD.token, OLD.type, ${now} WHERE OLD.token IS NOT NEW.token;
  INSERT INTO local_list_changes (token, type, at) VALUES (NEW.token, NEW.type, ${now});
END;

CREATE TABLE local_list_sync (
  station_id TEXT PRIMARY KEY,
  sent_version INTEGER,
  sent_update_type TEXT,
  sent_revision INTEGER,
  sent_entries INTEGER,
  sent_at TEXT,
  sent_status TEXT,
  answered_at TEXT,
  accepted_version INTEGER,
  accepted_revision INTEGER,
  accepted_at TEXT,
  reported_version INTEGER,
  reported_at TEXT,
  needs_full INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE reservations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL DEFAULT 0,
  connector_type TEXT,
  id_token TEXT NOT NULL,
  id_token_type TEXT,
  group_id TEXT,
  expires_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'faulted', 'occupied', 'rejected', 'unavailable', 'used', 'cancelled', 'expired')),
  transaction_id INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX reservations_by_station ON reservations (station_id, id);
CREATE INDEX reservations_open ON reservations (expires_at) WHERE status IN ('requested', 'accepted');

CREATE TABLE charging_profiles (
  station_id TEXT NOT NULL,
  profile_id INTEGER NOT NULL,
  evse_id INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  stack_level INTEGER NOT NULL,
  transaction_id INTEGER,
  profile TEXT NOT NULL,
  status TEXT NOT NULL,
  answered_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (station_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX charging_profiles_by_transaction ON charging_profiles (transaction_id) WHERE transaction_id IS NOT NULL;
`;
