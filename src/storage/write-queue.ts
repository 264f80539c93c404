import { open, type FileHandle } from 'node:fs/promises';
import type { Db } from './database.ts';
import { StorageUnavailableError, describeProblem, storageProblemOf, type StorageHealth, type StorageProblem } from './storage-health.ts';

interface QueuedWrite {
  write: () => unknown;
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: writes queued together are committed in one transaction (one fsync of the WAL, done off the
 * event loop), and each caller's promise settles only once its write is durable. A caller acknowledges a
 * charger's message only after that, so nothing acknowledged is lost on kill -9 or power loss.
 * Each write runs in its own savepoint, so one failing write does not undo the others in its batch.
 * When the storage itself fails (full disk, read-only, I/O error) writes are rejected with
 * StorageUnavailableError and `health()` says so until a write succeeds again.
 */
export class WriteQueue {
  private readonly db: Db;
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private state: StorageHealth = { ok: true, problem: null, message: null, since: null };
  private healthListener: ((health: StorageHealth) => void) | undefined;
  private batchListener: ((size: number, seconds: number) => void) | undefined;

  private readonly commitWindowMs: number;
  private lastCommitAt = -Infinity;

  private readonly walFile: string | undefined;

  /** `durableWal`: fsync the WAL after each commit before settling (for databases opened with synchronous=NORMAL). */
  constructor(db: Db, maxBatch = 2000, commitWindowMs = 5, durableWal = !db.memory && db.pragma('synchronous', { simple: true }) === 1) {
    this.db = db;
    this.maxBatch = maxBatch;
    this.commitWindowMs = commitWindowMs;
    this.walFile = durableWal ? `${db.name}-wal` : undefined;
  }

  /**
   * Runs `write` inside the next group transaction and settles with its result once that is committed.
   * `write` runs synchronously in the transaction, so it sees every write queued before it.
   */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Commits everything queued now; used before shutdown. */
  flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const started = performance.now();
    this.lastCommitAt = started;
    const failures = new Map<QueuedWrite, Error>();
    const results = new Map<QueuedWrite, unknown>();
    let storageFailure: StorageProblem | undefined;
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            results.set(item, this.db.transaction(item.write)());
          } catch (error) {
            const problem = storageProblemOf(error);
            storageFailure ??= problem;
            failures.set(item, problem ? new StorageUnavailableError(problem, error as Error) : (error as Error));
            // SQLite may roll back the whole transaction on a full disk or I/O error; then nothing of this batch
            // is stored, and the writes after it must not run outside the transaction.
            if (!this.db.inTransaction) throw error;
          }
        }
      })();
    } catch (error) {
      const problem = storageProblemOf(error);
      const failure = problem ? new StorageUnavailableError(problem, error as Error) : (error as Error);
      this.setHealth(problem ?? storageFailure);
      for (const item of batch) item.reject(failure);
      return;
    }
    const settle = (syncError?: Error) => {
      this.batchListener?.(batch.length, (performance.now() - started) / 1000);
      const syncProblem = syncError ? (storageProblemOf(syncError) ?? 'io_error') : undefined;
      this.setHealth(syncProblem ?? storageFailure);
      for (const item of batch) {
        const failure = syncError ? new StorageUnavailableError(syncProblem!, syncError) : failures.get(item);
        if (failure) item.reject(failure);
        else item.resolve(results.get(item));
      }
    };
    if (!this.walFile) return settle();
    this.syncWal().then(() => settle(), (error: Error) => settle(error));
  }

  /**
   * The commit is durable once the WAL is on disk. SQLite runs with synchronous=NORMAL (no fsync inside COMMIT),
   * and the WAL is fsynced here on the thread pool instead, so a slow disk holds back only the callers of this
   * batch, never the event loop. A WAL that is gone was checkpointed into the database, which SQLite synced.
   */
  private async syncWal(): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.walFile!, 'r+');
      await handle.sync();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      await handle?.close();
    }
  }

  /** Whether writes currently reach the disk. */
  health(): StorageHealth {
    return this.state;
  }

  /** Called when writes start failing for a storage problem, and when they succeed again. */
  onHealthChange(listener: (health: StorageHealth) => void): void {
    this.healthListener = listener;
  }

  /** Called after each committed batch with its number of writes and the seconds it took (for metrics). */
  onBatch(listener: (size: number, seconds: number) => void): void {
    this.batchListener = listener;
  }

  private setHealth(problem: StorageProblem | undefined): void {
    if (problem === undefined && this.state.ok) return;
    if (problem !== undefined && this.state.problem === problem) return;
    this.state = problem === undefined ? { ok: true, problem: null, message: null, since: null } : { ok: false, problem, message: describeProblem(problem), since: new Date().toISOString() };
    this.healthListener?.(this.state);
  }

  /**
   * When idle, a write is committed at the end of the current event-loop turn. Under load, commits are spaced at
   * least `commitWindowMs` apart so each one carries many writes: every commit costs an fsync and rewrites the
   * same B-tree pages, so a few milliseconds of waiting buys several times the throughput.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastCommitAt + this.commitWindowMs - performance.now();
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }
}
