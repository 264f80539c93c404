import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.ts';
import { BackupError, writeBackup, type DatabaseSummary } from '../storage/backup.ts';
import { DatabaseOpenError, databaseFile, openSqlite } from '../storage/database.ts';
import type { ToolIo } from './auth-store.ts';
import type { Subcommand } from './subcommands.ts';

const usage = 'ampyard backup FILE [--data-dir DIR]';

export function describeDatabase(s: DatabaseSummary): string {
  return `${(s.bytes / 1024 / 1024).toFixed(1)} MiB, schema version ${s.schemaVersion}, ${s.stations} station(s), ${s.transactions} transaction(s)`;
}

/** A consistent copy of the database, taken while the appliance runs (SQLite's online backup API). */
async function run(args: string[], config: Config, io: ToolIo): Promise<number> {
  const [file, ...extra] = args;
  if (!file || file.startsWith('-') || extra.length) {
    io.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const target = resolve(file);
  const source = databaseFile(config.dataDir);
  try {
    if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name`);
    if (!existsSync(source)) throw new BackupError(`there is no database in ${resolve(config.dataDir)} (give the appliance's folder with --data-dir)`);
    const started = performance.now();
    const db = openSqlite(source, config.dataDir, { fileMustExist: true, timeout: 5000 });
    try {
      const summary = await writeBackup(db, target, config.dataDir, { oneStep: true });
      io.stdout.write(`backup written to ${target} (${describeDatabase(summary)}) in ${Math.round(performance.now() - started)} ms\n`);
    } finally {
      db.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof BackupError || error instanceof DatabaseOpenError) {
      io.stderr.write(`ampyard: backup failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export const backupTool: Subcommand = {
  summary: 'copy the database to FILE, also while the appliance runs',
  usage: 'backup FILE',
  run,
};
