import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../domain/errors.ts';
import type { Logger } from '../log/logger.ts';
import { backupInThread } from './backup-thread.ts';
import { backupsDir } from './backup-files.ts';
import type { Db } from './database.ts';

/** Daily backups (ampyard-YYYY-MM-DD.sqlite, see daily-backups.ts) and ones made on request (ampyard-manual-<time>.sqlite). */
const BACKUP_NAME = /^ampyard-(?:\d{4}-\d{2}-\d{2}|manual-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)\.sqlite$/;

export interface BackupEntry {
  name: string;
  kind: 'daily' | 'manual';
  bytes: number;
  /** When the file was last written. */
  createdAt: string;
}

export interface BackupCatalogOptions {
  /** Backups made on request kept: after each new one, the oldest manual ones beyond this are deleted (daily ones never: see daily-backups.ts). */
  keepManual: number;
  log?: Logger;
}

/**
 * The database backups in `<dataDir>/backups`: listing, making one now (and rotating those made on request),
 * and finding a file to download.
 */
export class BackupCatalog {
  readonly dir: string;
  private readonly db: Db;
  private readonly dataDir: string;
  private readonly beforeBackup: () => void;
  private readonly options: BackupCatalogOptions;
  private running: Promise<BackupEntry> | undefined;

  /** `beforeBackup`: commits queued writes, so the copy holds everything acknowledged so far. */
  constructor(db: Db, dataDir: string, beforeBackup: () => void, options: BackupCatalogOptions = { keepManual: 10 }) {
    this.db = db;
    this.dataDir = dataDir;
    this.beforeBackup = beforeBackup;
    this.options = options;
    this.dir = backupsDir(dataDir);
  }

  /** Newest first. */
  list(): BackupEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => BACKUP_NAME.test(name))
      .map((name) => {
        const stat = statSync(join(this.dir, name));
        return { name, kind: name.startsWith('ampyard-manual-') ? ('manual' as const) : ('daily' as const), bytes: stat.size, createdAt: stat.mtime.toISOString() };
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  }

  /** Makes a backup now, on a thread of its own while the appliance keeps serving. One at a time: a second request while one runs is refused. */
  create(now = new Date()): Promise<BackupEntry> {
    if (this.running) return Promise.reject(new ConflictError('a backup is being made; try again in a moment'));
    this.running = this.write(now).finally(() => (this.running = undefined));
    return this.running;
  }

  /** The path of a backup file by its listed name, or undefined (names from elsewhere never reach the file system). */
  path(name: string): string | undefined {
    return BACKUP_NAME.test(name) && this.list().some((b) => b.name === name) ? join(this.dir, name) : undefined;
  }

  private async write(now: Date): Promise<BackupEntry> {
    mkdirSync(this.dir, { recursive: true });
    const name = `ampyard-manual-${now.toISOString().replace(/:/g, '-').replace('.', '-')}.sqlite`;
    this.beforeBackup();
    await backupInThread(this.db, join(this.dir, name), this.dataDir);
    this.rotate(name);
    return this.list().find((b) => b.name === name)!;
  }

  /**
   * After a successful backup: keeps it and the newest `keepManual - 1` other manual backups (by the time in
   * their names, which is when they were made), and deletes the rest. A file that cannot be deleted is logged
   * and left; the new backup stands either way.
   */
  private rotate(made: string): void {
    const keep = Math.max(1, this.options.keepManual);
    const older = this.list()
      .filter((b) => b.kind === 'manual' && b.name !== made)
      .map((b) => b.name)
      .sort((a, b) => b.localeCompare(a));
    for (const name of older.slice(keep - 1)) {
      try {
        rmSync(join(this.dir, name), { force: true });
        this.options.log?.info('old manual backup deleted', { file: name });
      } catch (error) {
        this.options.log?.warn('old manual backup not deleted', { file: name, error: (error as Error).message });
      }
    }
  }
}
