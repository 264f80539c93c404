import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`the database has schema version ${found} but this Ampyard knows only up to ${known}; run the newer Ampyard that wrote it, or restore a backup`);
    this.name = 'SchemaTooNewError';
  }
}

/** Applies every migration not yet applied, each in its own transaction; returns the versions applied. */
export function migrate(db: Database, migrations: Migration[] = allMigrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  if (current > latest) throw new SchemaTooNewError(current, latest);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    applied.push(migration.version);
  }
  return applied;
}
