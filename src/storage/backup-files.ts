import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const NAME = /^ampyard-(\d{4}-\d{2}-\d{2})\.sqlite$/;

export function backupsDir(dataDir: string): string {
  return join(dataDir, 'backups');
}

/** The daily backups in `<dataDir>/backups` (ampyard-YYYY-MM-DD.sqlite), newest first. */
export function dailyBackupFiles(dataDir: string): Array<{ file: string; day: string; bytes: number }> {
  const dir = backupsDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, day: NAME.exec(name)?.[1] }))
    .filter((n): n is { name: string; day: string } => n.day !== undefined)
    .map((n) => ({ file: join(dir, n.name), day: n.day, bytes: statSync(join(dir, n.name)).size }))
    .sort((a, b) => b.day.localeCompare(a.day));
}
