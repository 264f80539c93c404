import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { nativeSqliteBinding } from '../platform/sea.ts';
import { migrate, type UpgradeNotice } from './migrate.ts';
import { backupsDir, dailyBackupFiles } from './backup-files.ts';
import { attachMeterValues, moveMeterValuesOut } from './meter-values/meter-values-file.ts';

export type Db = BetterSqlite3.Database;

export class DatabaseOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

export const NEW_DATABASE_PAGE_SIZE = 2048;

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'ampyard.sqlite');
}

/** Any SQLite file (backups, the data directory lock) through the same native addon as the database. */
export function openSqlite(file: string, dataDir: string, options: BetterSqlite3.Options = {}): Db {
  const nativeBinding = nativeSqliteBinding(dataDir);
  // The typings only know the string form; better-sqlite3 also takes the loaded addon object.
  return new BetterSqlite3(file, nativeBinding ? ({ ...options, nativeBinding } as unknown as BetterSqlite3.Options) : options);
}

/** Creates the data directory if needed and checks that it can be written. */
export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'no write permission' : code === 'ENOSPC' ? 'disk full' : code;
    throw new DatabaseOpenError(`cannot use data directory ${resolve(dataDir)} (${why}); make it writable or choose another with --data-dir`);
  }
}

/**
 * SQLite's page cache for the appliance connection (its default is 2 MB). Thousands of stations each add rows
 * at their own place in the meter-value indexes and touch their own session row: tens of thousands of pages
 * are touched every few seconds. With 2 MB most of them were read back through the OS for every message.
 */
const CACHE_KIB = 48 * 1024;

/**
 * Opens (creating if needed) the appliance database: WAL journal; what we acknowledge to a charger survives a
 * power cut because the write queue fsyncs the WAL before it settles a write (off the event loop, per group commit),
 * foreign keys on, every migration applied, and the meter-value file attached.
 * `onMeterValuesMoved`: meter values were found in the main file (a database from before they had a file of
 * their own, or a restored backup) and have been moved into theirs (meter-values-file.ts).
 * `onMeterValuesReindex`: the meter-value file is indexed by station first (before the buckets of
 * meter-values-file.ts) and is about to be indexed again, which takes a while on a large file.
 */
export function openDatabase(dataDir: string, options: { onUpgrade?: UpgradeNotice; onMeterValuesMoved?: (rows: number) => void; onMeterValuesReindex?: (rows: number) => void } = {}): Db {
  prepareDataDir(dataDir);
  const file = databaseFile(dataDir);
  let db: Db;
  try {
    db = openSqlite(file, dataDir);
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    // New databases only (SQLite ignores it once a file has content). Charger traffic adds rows at scattered
    // places in the B-trees per message, and every touched page is written whole to the WAL, one frame (two
    // system calls, ~10 µs here) each. Small pages write fewer bytes but split more often, so they write more
    // frames. Per meter value, replaying the bench's pattern (10,000 EVSEs, 35-row commits): 1 KiB pages 4.7
    // frames, 47 µs of CPU, 4.9 KB of WAL; 2 KiB 3.0 frames, 32 µs, 6.3 KB; 4 KiB 2.7 frames, 28 µs, 11 KB.
    db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // NORMAL: COMMIT does not fsync; the write queue fsyncs the WAL off the event loop before it acknowledges.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = ${-CACHE_KIB}`);
    attachMeterValues(db, dataDir, NEW_DATABASE_PAGE_SIZE, options.onMeterValuesReindex);
    migrate(db, undefined, options.onUpgrade);
    const moved = moveMeterValuesOut(db);
    if (moved) options.onMeterValuesMoved?.(moved);
  } catch (error) {
    db.close();
    const message = (error as Error).message;
    if (/not a database|malformed/i.test(message)) {
      const newest = dailyBackupFiles(dataDir)[0];
      const how = `ampyard restore ${newest?.file ?? 'FILE'} --data-dir ${resolve(dataDir)}`;
      const note = newest ? '(the newest daily backup; the damaged file is kept beside it)' : `(no daily backups in ${backupsDir(dataDir)})`;
      throw new DatabaseOpenError(`the database file ${file} is corrupt (${message}); restore a backup with: ${how} ${note}`);
    }
    throw new DatabaseOpenError(`cannot prepare database ${file}: ${message}`);
  }
  return db;
}
