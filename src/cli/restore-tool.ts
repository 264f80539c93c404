import { resolve } from 'node:path';
import type { Config } from '../config/config.ts';
import { BackupError, restoreDatabase } from '../storage/backup.ts';
import { dataDirInUse, lockDataDir } from '../storage/data-dir-lock.ts';
import { DatabaseOpenError } from '../storage/database.ts';
import type { ToolIo } from './auth-store.ts';
import { describeDatabase } from './backup-tool.ts';
import type { Subcommand } from './subcommands.ts';

const usage = 'ampyard restore FILE [--data-dir DIR]   (stop the appliance first)';

/** Puts a backup in place of the database of a stopped appliance, keeping the current one beside it. */
async function run(args: string[], config: Config, io: ToolIo): Promise<number> {
  const [file, ...extra] = args;
  if (!file || file.startsWith('-') || extra.length) {
    io.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const dataDir = resolve(config.dataDir);
  const running = dataDirInUse(dataDir);
  if (running) {
    io.stderr.write(`ampyard: restore refused: Ampyard${running.pid ? ` (pid ${running.pid})` : ''} is running on ${dataDir}; stop it first, then restore\n`);
    return 1;
  }
  try {
    // Held for the whole restore, so that an appliance started meanwhile waits for it rather than opening a half-restored folder.
    const lock = lockDataDir(dataDir);
    try {
      const { previous, summary } = restoreDatabase(dataDir, file);
      io.stdout.write(`restored ${resolve(file)} into ${dataDir} (${describeDatabase(summary)})\n`);
      io.stdout.write(previous ? `the previous database is kept as ${previous}\n` : 'there was no database before\n');
    } finally {
      lock.release();
    }
    return 0;
  } catch (error) {
    if (error instanceof BackupError || error instanceof DatabaseOpenError) {
      io.stderr.write(`ampyard: restore failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export const restoreTool: Subcommand = {
  summary: 'replace the database with a backup (the appliance must be stopped)',
  usage: 'restore FILE',
  run,
};
