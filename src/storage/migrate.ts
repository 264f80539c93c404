import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`the database has schema version ${found} but this Ampyard knows only up to ${known}; run the newer Ampyard that wrote it, or restore a backup`);
    this.name = 'SchemaTooNewError';
  }
}

/** An existing database about to be upgraded: its newest schema version, and the versions about to be applied. */
export type UpgradeNotice = (from: number, pending: number[]) => void;

/**
 * Applies every migration not yet applied, each in its own transaction; returns the versions applied.
 * `onUpgrade` hears of it first when the database already had a schema (some migrations rebuild indexes over
 * every stored meter value, which takes minutes on a large database).
 */
export function migrate(db: Database, migrations: Migration[] = allMigrations, onUpgrade?: UpgradeNotice): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const recorded = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...recorded].filter((v) => !known.has(v));
  if (unknown.length) throw new SchemaTooNewError(Math.max(...unknown), Math.max(0, ...known));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  const pending = migrations.filter((m) => !recorded.has(m.version)).map((m) => m.version).sort((a, b) => a - b);
  if (recorded.size > 0 && pending.length > 0) onUpgrade?.(Math.max(...recorded), pending);
  // Every migration not yet recorded, in order (not only those above the highest applied), so a gap in the
  // numbering never leaves one out.
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (recorded.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    applied.push(migration.version);
  }
  return applied;
}
