import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { backupInThread } from './backup-thread.ts';
import { backupsDir, dailyBackupFiles } from './backup-files.ts';
import type { Db } from './database.ts';

export interface DailyBackupsOptions {
  dataDir: string;
  /** Backups kept; the oldest beyond this are deleted. 0: no scheduled backups. */
  keep: number;
  /** Delay before the first check after start. */
  firstCheckMs?: number;
  /** How often to check whether today's backup is still to be made. */
  checkEveryMs?: number;
}

/**
 * The first check after start. Not sooner: a start is often a restart after a power cut, when every charger
 * reconnects, boots and resends what it queued, and a backup copying the whole database would compete with that.
 */
const FIRST_CHECK_MS = 10 * 60_000;

/** The local calendar day, as in the file names. */
function day(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/**
 * One backup a day into `<dataDir>/backups/ampyard-YYYY-MM-DD.sqlite` (local date), the first 10 minutes after
 * start when today has none yet; only the newest `keep` are kept. Made on a thread of its own (backupInThread)
 * while the appliance keeps serving.
 */
export class DailyBackups {
  readonly dir: string;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly options: DailyBackupsOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(db: Db, log: Logger, options: DailyBackupsOptions) {
    this.db = db;
    this.log = log;
    this.options = options;
    this.dir = backupsDir(options.dataDir);
  }

  start(): void {
    if (this.options.keep <= 0) return;
    const every = this.options.checkEveryMs ?? 60 * 60_000;
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.runIfDue().finally(() => {
          if (!this.stopped) tick();
        });
      }, this.timer === undefined ? (this.options.firstCheckMs ?? FIRST_CHECK_MS) : every);
      this.timer.unref();
    };
    tick();
  }

  /** Stops the schedule and waits for a backup in progress, so the database can be closed after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The backups on disk, newest first. */
  list(): Array<{ file: string; day: string; bytes: number }> {
    return dailyBackupFiles(this.options.dataDir);
  }

  /** Makes today's backup unless it exists, then deletes the oldest beyond `keep`. Never throws. */
  runIfDue(now = new Date()): Promise<void> {
    if (this.running || this.stopped || this.options.keep <= 0) return this.running ?? Promise.resolve();
    this.running = this.run(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(now: Date): Promise<void> {
    const today = day(now);
    try {
      if (!this.list().some((b) => b.day === today)) {
        mkdirSync(this.dir, { recursive: true });
        const started = performance.now();
        const file = join(this.dir, `ampyard-${today}.sqlite`);
        const summary = await backupInThread(this.db, file, this.options.dataDir);
        this.log.info('daily backup written', { file, bytes: summary.bytes, ms: Math.round(performance.now() - started) });
      }
      for (const old of this.list().slice(this.options.keep)) {
        rmSync(old.file, { force: true });
        this.log.info('old daily backup deleted', { file: old.file });
      }
    } catch (error) {
      this.log.error('daily backup failed; trying again within the hour', { dir: this.dir, error: (error as Error).message });
    }
  }
}
