export type StorageProblem = 'disk_full' | 'read_only' | 'io_error';

/** A write failed because the storage itself fails (full disk, read-only or failing medium), not because of its data. */
export class StorageUnavailableError extends Error {
  readonly problem: StorageProblem;
  constructor(problem: StorageProblem, cause: Error) {
    super(`${describeProblem(problem)} (${cause.message})`);
    this.name = 'StorageUnavailableError';
    this.problem = problem;
  }
}

export function describeProblem(problem: StorageProblem): string {
  switch (problem) {
    case 'disk_full':
      return 'the disk holding the database is full';
    case 'read_only':
      return 'the database has become read-only';
    case 'io_error':
      return 'the disk holding the database fails to read or write';
  }
}

/** The storage problem behind an SQLite error, if it is one. */
export function storageProblemOf(error: unknown): StorageProblem | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'disk_full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read_only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'io_error';
  return undefined;
}

export interface StorageHealth {
  ok: boolean;
  problem: StorageProblem | null;
  message: string | null;
  since: string | null;
}
