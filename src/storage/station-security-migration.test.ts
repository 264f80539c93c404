import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

describe('migration 11: station security', () => {
  it('keeps stations that existed before security profiles at profile 0 (flagged legacy) instead of locking them out', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, migrations.filter((m) => m.version < 11));
    const now = new Date().toISOString();
    db.prepare("INSERT INTO stations (id, registration, created_at, updated_at) VALUES ('OLD-1', 'accepted', ?, ?)").run(now, now);
    assert.deepEqual(migrate(db).includes(11), true);
    const row = db.prepare('SELECT security_profile AS profile, profile_reason AS reason, password_hash AS hash FROM station_security WHERE station_id = ?').get('OLD-1');
    assert.deepEqual(row, { profile: 0, reason: 'legacy', hash: null });
    db.close();
  });
});
