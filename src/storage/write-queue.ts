import type { Db } from './database.ts';

interface QueuedWrite {
  write: () => unknown;
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: writes queued during one turn of the event loop are committed together in one transaction
 * (one fsync), and each caller's promise settles only once its write is durable. A caller acknowledges a
 * charger's message only after that, so nothing acknowledged is lost on kill -9 or power loss.
 * Each write runs in its own savepoint, so one failing write does not undo the others in its batch.
 */
export class WriteQueue {
  private readonly db: Db;
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(db: Db, maxBatch = 2000) {
    this.db = db;
    this.maxBatch = maxBatch;
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
    const failures = new Map<QueuedWrite, Error>();
    const results = new Map<QueuedWrite, unknown>();
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            results.set(item, this.db.transaction(item.write)());
          } catch (error) {
            failures.set(item, error as Error);
          }
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error as Error);
      return;
    }
    for (const item of batch) {
      const failure = failures.get(item);
      if (failure) item.reject(failure);
      else item.resolve(results.get(item));
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
