import type { MessagePort } from 'node:worker_threads';
import { loadExtractedSqliteBinding, nativeSqliteBindingFile } from '../platform/sea.ts';
import { BackupError, writeBackup, type DatabaseSummary } from './backup.ts';
import { openSqlite, type Db } from './database.ts';
import { newStorageWorker } from './worker/worker-thread.ts';

/** What a backup thread is started with (role 'backup' of the storage worker script, storage-worker.ts). */
export interface BackupThreadData {
  role: 'backup';
  databaseFile: string;
  dataDir: string;
  file: string;
  nativeBindingFile: string | undefined;
}

type BackupOutcome = { ok: true; summary: DatabaseSummary } | { ok: false; message: string; backupError: boolean };

/**
 * Writes a backup of the running appliance's database (and its meter values) to `file` on a thread of its own,
 * with a connection of its own: the copy, its integrity checks and its fsync take seconds on a large database,
 * and on the event loop they held up every charger's answer for that long (a daily backup of the benchmark's
 * database stopped the event loop for over 200 ms). The copy is one snapshot of the database, taken in one step.
 */
export function backupInThread(db: Db, file: string, dataDir: string): Promise<DatabaseSummary> {
  const workerData: BackupThreadData = { role: 'backup', databaseFile: db.name, dataDir, file, nativeBindingFile: nativeSqliteBindingFile() };
  const worker = newStorageWorker(workerData);
  return new Promise((resolve, reject) => {
    let outcome: BackupOutcome | undefined;
    worker.once('message', (message: BackupOutcome) => (outcome = message));
    worker.once('error', (error) => (outcome ??= { ok: false, message: error.message, backupError: false }));
    worker.once('exit', () => {
      if (outcome?.ok) resolve(outcome.summary);
      else if (outcome && outcome.backupError) reject(new BackupError(outcome.message));
      else reject(new BackupError(`the backup thread stopped: ${outcome?.message ?? 'without an answer'}`));
    });
  });
}

/** The thread's side: one backup, then it ends. */
export async function runBackupThread(data: BackupThreadData, port: MessagePort): Promise<void> {
  let outcome: BackupOutcome;
  try {
    if (data.nativeBindingFile) loadExtractedSqliteBinding(data.nativeBindingFile);
    const db = openSqlite(data.databaseFile, data.dataDir, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      outcome = { ok: true, summary: await writeBackup(db, data.file, data.dataDir, { oneStep: true }) };
    } finally {
      db.close();
    }
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message, backupError: error instanceof BackupError };
  }
  port.postMessage(outcome);
  port.close();
}
