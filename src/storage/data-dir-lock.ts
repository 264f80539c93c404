import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseOpenError, openSqlite, prepareDataDir, type Db } from './database.ts';

const LOCK_FILE = 'ampyard.lock';
const PID_FILE = 'ampyard.pid';

export class DataDirLockedError extends DatabaseOpenError {
  readonly pid: number | null;
  constructor(dataDir: string, pid: number | null) {
    super(`another Ampyard${pid ? ` (pid ${pid})` : ''} is using the data directory ${resolve(dataDir)}; stop it first, or choose another --data-dir`);
    this.name = 'DataDirLockedError';
    this.pid = pid;
  }
}

export interface DataDirLock {
  release(): void;
}

function isBusy(error: unknown): boolean {
  return /^SQLITE_BUSY|^SQLITE_LOCKED/.test((error as { code?: string }).code ?? '');
}

function recordedPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Marks the data directory as in use by this process for as long as it runs: an exclusive SQLite lock (a POSIX
 * record lock) on `ampyard.lock`, which the kernel drops when the process ends however it ends, so a kill -9
 * or power cut never leaves a stale lock. `ampyard.pid` beside it only names the holder in messages.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  prepareDataDir(dataDir);
  let db: Db;
  try {
    db = openSqlite(join(dataDir, LOCK_FILE), dataDir, { timeout: 0 });
  } catch (error) {
    throw new DatabaseOpenError(`cannot create the lock file in ${resolve(dataDir)}: ${(error as Error).message}`);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(`BEGIN EXCLUSIVE;
      CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL);
      DELETE FROM holder;
      INSERT INTO holder VALUES (${process.pid}, '${new Date().toISOString()}');
      COMMIT;`);
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new DataDirLockedError(dataDir, recordedPid(dataDir));
    throw new DatabaseOpenError(`cannot lock the data directory ${resolve(dataDir)}: ${(error as Error).message}`);
  }
  try {
    writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`);
  } catch {
    // Only informational.
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(join(dataDir, PID_FILE), { force: true });
      db.close();
    },
  };
}

/** Whether a running Ampyard holds the data directory; with its pid when known. */
export function dataDirInUse(dataDir: string): { pid: number | null } | null {
  let db: Db;
  try {
    db = openSqlite(join(dataDir, LOCK_FILE), dataDir, { timeout: 0, fileMustExist: true });
  } catch {
    return null; // never locked here
  }
  try {
    db.exec('BEGIN EXCLUSIVE; ROLLBACK;');
    return null;
  } catch (error) {
    if (isBusy(error)) return { pid: recordedPid(dataDir) };
    throw error;
  } finally {
    db.close();
  }
}
