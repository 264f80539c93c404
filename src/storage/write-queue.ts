import type { Db } from './database.ts';
import { WalDurability, type Checkpointer } from './wal-durability.ts';
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

  private readonly durability: WalDurability | undefined;
  private readonly savepoint;

  /**
   * `durableWal`: the queue makes commits durable itself, off the event loop (see WalDurability); for a WAL
   * database opened with synchronous=NORMAL. With FULL, SQLite fsyncs inside each COMMIT instead.
   * `checkpointer`: who copies the WAL into the database file, so that no COMMIT does (see WalDurability).
   */
  constructor(db: Db, options: { maxBatch?: number; commitWindowMs?: number; durableWal?: boolean; checkpointer?: Checkpointer } = {}) {
    this.db = db;
    this.maxBatch = options.maxBatch ?? 2000;
    this.commitWindowMs = options.commitWindowMs ?? 5;
    this.savepoint = { begin: db.prepare('SAVEPOINT queued_write'), release: db.prepare('RELEASE queued_write'), rollback: db.prepare('ROLLBACK TO queued_write') };
    this.durability = (options.durableWal ?? isNormalSyncWal(db)) ? new WalDurability(db, options.checkpointer, () => this.schedule()) : undefined;
  }

  /**
   * Runs `write` inside the next group transaction and settles with its result once that is committed.
   * `write` runs synchronously in the transaction, so it sees every write queued before it.
   */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= this.maxBatch && !this.durability?.holdingCommits) this.flush();
      else this.schedule();
    });
  }

  /** Commits everything queued now (read-your-writes, shutdown). */
  flush(): void {
    this.commit();
  }

  /** Flushes, then hands checkpoints back to SQLite so that closing the database leaves everything durable. */
  close(): void {
    this.flush();
    this.durability?.close();
  }

  private commit(): void {
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
            results.set(item, this.inSavepoint(item.write));
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
    if (!this.durability) return settle();
    this.durability.afterCommit(settle);
  }

  /** Like db.transaction(write)() inside the batch's transaction, without building a transaction function per write. */
  private inSavepoint(write: () => unknown): unknown {
    this.savepoint.begin.run();
    try {
      const result = write();
      if (typeof (result as { then?: unknown } | null)?.then === 'function') throw new TypeError('a queued write must not be asynchronous');
      this.savepoint.release.run();
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        this.savepoint.rollback.run();
        this.savepoint.release.run();
      }
      throw error;
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

  /** What a write elsewhere found (the meter values, stored by the meter-value thread): a problem, or undefined once one succeeds. */
  reportStorage(problem: StorageProblem | undefined): void {
    this.setHealth(problem);
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
    // The durability layer resumes the queue after every fsync and checkpoint, mostly with nothing queued.
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.lastCommitAt + this.commitWindowMs - performance.now();
    const run = () => {
      this.scheduled = false;
      // While a checkpoint or an fsync runs, the durability layer schedules the queue again when it is done.
      if (!this.durability?.holdingCommits && !this.durability?.syncInFlight) this.commit();
    };
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }
}

function isNormalSyncWal(db: Db): boolean {
  return !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal' && db.pragma('synchronous', { simple: true }) === 1;
}
