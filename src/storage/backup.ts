import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { databaseFile, openDatabase, openSqlite, type Db } from './database.ts';
import { copyMeterValuesInto, meterValuesFile } from './meter-values/meter-values-file.ts';
import { migrations } from './migrations/index.ts';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface DatabaseSummary {
  schemaVersion: number;
  stations: number;
  transactions: number;
  bytes: number;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    fsyncFile(dir);
  } catch {
    // Not every filesystem lets a directory be opened for fsync; the rename is still atomic.
  }
}

function count(db: Db, table: string): number {
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } catch {
    return 0;
  }
}

/**
 * Copies the live database to `file` with SQLite's online backup API: a consistent snapshot, taken while the
 * appliance keeps running (WAL readers do not block its writes). `oneStep` copies everything under one read
 * transaction, so writes by another process cannot make the copy start over (the command-line tool); the
 * appliance's own daily backup goes in steps so that it never stalls the event loop for long. The copy is
 * written beside `file`, checked, flushed to disk and then renamed into place, so `file` is never half-written.
 * The meter values, kept in a file of their own while the appliance runs, are copied into the backup's
 * meter_values table (in chunks between turns of the event loop, unless `oneStep`): a backup is one file, and
 * opening it as a database moves them out again (moveMeterValuesOut).
 */
export async function writeBackup(db: Db, file: string, dataDir: string, options: { oneStep?: boolean } = {}): Promise<DatabaseSummary> {
  const target = resolve(file);
  if (!existsSync(dirname(target))) throw new BackupError(`the folder ${dirname(target)} does not exist`);
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  try {
    await db.backup(partial, { progress: () => (options.oneStep ? 0x7fffffff : 1000) });
    const copy = openSqlite(partial, dataDir);
    try {
      const meterValues = meterValuesFile(dataDir);
      if (existsSync(meterValues)) {
        await copyMeterValuesInto(copy, meterValues, options.oneStep ? {} : { pause: () => new Promise((resolve) => setImmediate(resolve)) });
      }
      // A self-contained single file, whatever journal mode the source used.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    fsyncFile(partial);
    renameSync(partial, target);
    fsyncDir(dirname(target));
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw error instanceof BackupError ? error : new BackupError(`cannot write the backup to ${target}: ${(error as Error).message}`);
  }
  return inspectDatabase(target, dataDir);
}

/**
 * Checks that `file` is an intact Ampyard database this version can use (not one written by a newer Ampyard)
 * and summarises it. Opens it read-only.
 */
export function inspectDatabase(file: string, dataDir: string): DatabaseSummary {
  const path = resolve(file);
  if (!existsSync(path)) throw new BackupError(`${path} does not exist`);
  let db: Db;
  try {
    db = openSqlite(path, dataDir, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${path} cannot be opened as a database: ${(error as Error).message}`);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma('quick_check', { simple: true });
    } catch (error) {
      throw new BackupError(`${path} is not an SQLite database or is damaged: ${(error as Error).message}`);
    }
    if (check !== 'ok') throw new BackupError(`${path} is damaged: ${String(check)}`);
    let versions: number[];
    try {
      versions = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
    } catch {
      throw new BackupError(`${path} is an SQLite database but not an Ampyard one (it has no schema_migrations table)`);
    }
    if (versions.length === 0) throw new BackupError(`${path} is not an Ampyard database (no schema version recorded)`);
    const known = new Set(migrations.map((m) => m.version));
    const unknown = versions.filter((v) => !known.has(v));
    if (unknown.length) {
      throw new BackupError(`${path} was written by a newer Ampyard (schema version ${Math.max(...unknown)}; this one knows up to ${Math.max(...known)}); restore it with that version or newer`);
    }
    return { schemaVersion: Math.max(...versions), stations: count(db, 'stations'), transactions: count(db, 'transactions'), bytes: statSync(path).size };
  } finally {
    db.close();
  }
}

/** The time as a file-name part: 2025-11-23T21-05-09Z. */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Replaces the database of a stopped appliance with the backup `file`. The current database (with its WAL, so
 * nothing committed is left behind) is kept beside it as `ampyard-before-restore-<time>.sqlite` (its meter values as
 * `meter-values-before-restore-<time>.sqlite`); the backup is
 * copied in under a temporary name, flushed and renamed into place, then opened once so that migrations bring
 * an older backup up to this version. The caller holds the data directory lock.
 */
export function restoreDatabase(dataDir: string, file: string, now = new Date()): { previous: string | null; summary: DatabaseSummary } {
  const source = resolve(file);
  const target = databaseFile(dataDir);
  if (source === resolve(target)) throw new BackupError('that is the live database itself; restore from a backup file');
  const summary = inspectDatabase(source, dataDir);
  const incoming = `${target}.restoring`;
  copyFileSync(source, incoming);
  fsyncFile(incoming);
  let previous: string | null = null;
  if (existsSync(target)) {
    previous = join(dataDir, `ampyard-before-restore-${fileStamp(now)}.sqlite`);
    renameSync(target, previous);
    for (const suffix of ['-wal', '-journal']) if (existsSync(target + suffix)) renameSync(target + suffix, previous + suffix);
  }
  rmSync(`${target}-shm`, { force: true });
  // The backup carries its meter values; the current ones are kept beside the previous database.
  const meterValues = meterValuesFile(dataDir);
  if (existsSync(meterValues)) {
    const kept = join(dataDir, `meter-values-before-restore-${fileStamp(now)}.sqlite`);
    renameSync(meterValues, kept);
    if (existsSync(`${meterValues}-wal`)) renameSync(`${meterValues}-wal`, `${kept}-wal`);
  }
  rmSync(`${meterValues}-shm`, { force: true });
  renameSync(incoming, target);
  fsyncDir(dataDir);
  openDatabase(dataDir).close();
  return { previous, summary: { ...summary, schemaVersion: inspectDatabase(target, dataDir).schemaVersion } };
}
