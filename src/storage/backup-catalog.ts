import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../domain/errors.ts';
import { writeBackup } from './backup.ts';
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

/** The database backups in `<dataDir>/backups`: listing, making one now, and finding a file to download. */
export class BackupCatalog {
  readonly dir: string;
  private readonly db: Db;
  private readonly dataDir: string;
  private readonly beforeBackup: () => void;
  private running: Promise<BackupEntry> | undefined;

  /** `beforeBackup`: commits queued writes, so the copy holds everything acknowledged so far. */
  constructor(db: Db, dataDir: string, beforeBackup: () => void) {
    this.db = db;
    this.dataDir = dataDir;
    this.beforeBackup = beforeBackup;
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

  /** Makes a backup now, in steps while the appliance keeps serving. One at a time: a second request while one runs is refused. */
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
    await writeBackup(this.db, join(this.dir, name), this.dataDir);
    return this.list().find((b) => b.name === name)!;
  }
}
