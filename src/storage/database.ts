import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { nativeSqliteBinding } from '../platform/sea.ts';
import { migrate } from './migrate.ts';

export type Db = BetterSqlite3.Database;

export class DatabaseOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'ampyard.sqlite');
}

/**
 * Opens (creating if needed) the appliance database: WAL journal, full fsync on commit so that what we
 * acknowledge to a charger survives a power cut (commits are grouped by the write queue to keep this cheap),
 * foreign keys on, and every migration applied.
 */
export function openDatabase(dataDir: string): Db {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DatabaseOpenError(`cannot use data directory ${resolve(dataDir)} (${code}); make it writable or choose another with --data-dir`);
  }
  const file = databaseFile(dataDir);
  let db: Db;
  try {
    const nativeBinding = nativeSqliteBinding(dataDir);
    // The typings only know the string form; better-sqlite3 also takes the loaded addon object.
    db = new BetterSqlite3(file, nativeBinding ? ({ nativeBinding } as unknown as BetterSqlite3.Options) : {});
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    const message = (error as Error).message;
    if (/not a database|malformed/i.test(message)) {
      throw new DatabaseOpenError(`the database file ${file} is corrupt (${message}); move it aside and restore a backup`);
    }
    throw new DatabaseOpenError(`cannot prepare database ${file}: ${message}`);
  }
  return db;
}
