import { open, type FileHandle } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import type { Db } from './database.ts';

type Settle = (syncError?: Error) => void;

/** Copies the WAL into the database file elsewhere (the storage worker thread), with SQLite's NORMAL fsyncs. */
export interface Checkpointer {
  /** Settles once the checkpoint is done, with the number of frames the WAL holds (0 if it failed). */
  run(): Promise<number>;
  everyMs: number;
  /** A WAL this large is made to start over (see WalDurability); default 64 MB. */
  restartAtBytes?: number;
}

/**
 * Makes the write queue's commits durable without an fsync on the event loop: SQLite does not fsync inside
 * COMMIT (synchronous=NORMAL or OFF); the WAL is fsynced on the thread pool instead, one fsync at a time
 * covering every commit made before it started (group commit), and a commit is acknowledged only after that.
 *
 * With a `checkpointer`, the connection does not checkpoint at all (synchronous=OFF, no automatic checkpoints),
 * so no COMMIT ever copies the WAL into the database file and fsyncs it on the event loop; the checkpointer's
 * own connection does that about every `everyMs`, with synchronous=NORMAL, which fsyncs the WAL before it
 * copies pages and the database file before the WAL may be reused. A checkpoint that never catches up with a
 * busy writer never lets the WAL start over, and the WAL would grow without end; so when it has grown long, the
 * checkpoint runs once more while commits wait (`holdingCommits`): that run copies only what was committed
 * during the previous one, so the wait is short, and the next commit starts the WAL over. Without a
 * checkpointer, SQLite checkpoints inside COMMIT.
 */
export class WalDurability {
  private readonly db: Db;
  private readonly walFile: string;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly onResume: () => void;
  private waiting: Settle[] = [];
  private syncing = false;
  /** catching-up: a run while commits go on; due: commits wait until every commit is synced, then a run while they wait. */
  private checkpoint: 'idle' | 'catching-up' | 'due' | 'running' = 'idle';
  private lastCheckpointAt = performance.now();
  /** The WAL kept open between syncs (an open and a close per commit cost the event loop and two thread-pool trips). */
  private wal: { handle: FileHandle; ino: number; dev: number } | undefined;
  private closing = false;
  private readonly pageSize: number;

  constructor(db: Db, checkpointer: Checkpointer | undefined, onResume: () => void) {
    this.db = db;
    this.onResume = onResume;
    this.walFile = `${db.name}-wal`;
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
    this.checkpointer = checkpointer;
    if (checkpointer) {
      db.pragma('synchronous = OFF');
      db.pragma('wal_autocheckpoint = 0');
      // When the WAL starts over after a busy spell, its file shrinks back to this size.
      db.pragma('journal_size_limit = 67108864');
    }
  }

  /** True while the WAL is made to start over: commits that can wait should (the queue is scheduled again afterwards). */
  get holdingCommits(): boolean {
    return this.checkpoint === 'due' || this.checkpoint === 'running';
  }

  /**
   * True while an fsync is in flight. Commits that can wait should: the writes queued meanwhile then go into
   * one commit after it, which writes each B-tree page they share once, where commits every few milliseconds
   * would each write it again (and the next fsync would have all of them to flush). It costs them no latency:
   * they could not be acknowledged before the next fsync anyway. The queue is scheduled again when it is done.
   */
  get syncInFlight(): boolean {
    return this.syncing;
  }

  /** Call after each COMMIT; `settle` runs once the commit is on disk (or with the error that kept it off). */
  afterCommit(settle: Settle): void {
    this.waiting.push(settle);
    if (!this.syncing) this.syncWal();
    if (this.checkpointer && this.checkpoint === 'idle' && performance.now() - this.lastCheckpointAt >= this.checkpointer.everyMs) this.catchUp();
  }

  /** Back to SQLite's own checkpoints, so that closing the database checkpoints durably. */
  close(): void {
    this.closing = true;
    const handle = this.wal;
    this.wal = undefined;
    // FileHandle.close waits for a sync in flight on it.
    void handle?.handle.close().catch(() => {});
    if (!this.checkpointer) return;
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_autocheckpoint = 1000');
  }

  private syncWal(): void {
    this.syncing = true;
    const group = this.waiting;
    this.waiting = [];
    const done = (error?: Error) => {
      for (const settle of group) settle(error);
      this.syncing = false;
      if (this.waiting.length > 0) this.syncWal();
      else if (this.checkpoint === 'due') this.runCheckpoint();
      else this.onResume();
    };
    this.syncWalFile().then(() => done(), (error: Error) => done(error));
  }

  /**
   * Syncs the WAL through a handle kept open while it is still the same file (same inode: SQLite keeps its WAL
   * while the database is open). A WAL that is gone was checkpointed into the database file, which SQLite synced.
   */
  private async syncWalFile(): Promise<void> {
    if (this.closing) return syncOnce(this.walFile);
    let current: Stats;
    try {
      current = statSync(this.walFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.dropWal();
      return;
    }
    if (this.wal && (this.wal.ino !== current.ino || this.wal.dev !== current.dev)) this.dropWal();
    if (!this.wal) {
      let handle: FileHandle;
      try {
        handle = await open(this.walFile, 'r+');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        return;
      }
      const opened = await handle.stat();
      if (this.closing || this.wal || opened.ino !== current.ino || opened.dev !== current.dev) {
        // Replaced meanwhile, or closing: sync this one and do not keep it.
        try {
          await handle.datasync();
        } finally {
          await handle.close();
        }
        return;
      }
      this.wal = { handle, ino: opened.ino, dev: opened.dev };
    }
    await this.wal.handle.datasync();
  }

  private dropWal(): void {
    const handle = this.wal?.handle;
    this.wal = undefined;
    void handle?.close().catch(() => {});
  }

  private catchUp(): void {
    this.checkpoint = 'catching-up';
    void this.checkpointer!.run().then((frames) => {
      this.lastCheckpointAt = performance.now();
      if (frames * this.pageSize < (this.checkpointer!.restartAtBytes ?? 64 * 1024 * 1024)) {
        this.checkpoint = 'idle';
        return;
      }
      this.checkpoint = 'due';
      if (!this.syncing) this.runCheckpoint();
    });
  }

  private runCheckpoint(): void {
    this.checkpoint = 'running';
    void this.checkpointer!.run().finally(() => {
      this.checkpoint = 'idle';
      this.lastCheckpointAt = performance.now();
      this.onResume();
    });
  }
}

/** fdatasync on the thread pool (as SQLite syncs a WAL): the frames and the file size needed to read them. */
async function syncOnce(file: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r+');
    await handle.datasync();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    await handle?.close();
  }
}
