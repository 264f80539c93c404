import type { MessageLogEntry } from '../message-log.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';
import { SupervisedThread } from './worker-thread.ts';

export { STORAGE_WORKER_ASSET } from './worker-thread.ts';

/**
 * The main thread's side of the storage thread (storage-worker.ts): checkpoints of the appliance database and
 * the meter-value file, and the OCPP message log, so that none of them costs the event loop a copy or an fsync.
 */
export class StorageWorker {
  /** Settles once the thread has opened its files; rejects if it could not. */
  readonly ready: Promise<void>;
  private readonly thread: SupervisedThread;
  private readonly queries = new Map<number, (items: MessageLogEntry[]) => void>();
  private nextQuery = 0;
  private checkpointDone: ((frames: number) => void) | undefined;

  constructor(data: Omit<StorageWorkerData, 'nativeBindingFile' | 'role'>, onProblem: (message: string) => void) {
    // Started again if it stops unexpectedly: without it the databases' WALs would no longer be checkpointed.
    this.thread = new SupervisedThread({ ...data, role: 'storage' }, 'storage thread', {
      onMessage: (message: FromWorker) => {
        if (message.type === 'rows') {
          this.queries.get(message.id)?.(message.items);
          this.queries.delete(message.id);
        } else if (message.type === 'checkpointed') {
          this.checkpointDone?.(message.frames);
          this.checkpointDone = undefined;
        } else if (message.type === 'problem') {
          onProblem(message.message);
        }
      },
      onStopped: () => {
        for (const answer of this.queries.values()) answer([]);
        this.queries.clear();
        this.checkpointDone?.(0);
        this.checkpointDone = undefined;
      },
      onProblem,
    });
    this.ready = this.thread.ready;
  }

  /** Frames posted while the thread is being started again are not logged. */
  post(message: ToWorker, transfer?: ArrayBuffer[]): void {
    this.thread.worker?.postMessage(message, transfer);
  }

  /** Checkpoints the appliance database (see WalDurability); settles with the WAL's frames (0: failed or the worker is gone). */
  checkpoint(): Promise<number> {
    const worker = this.thread.worker;
    if (!worker) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.checkpointDone = resolve;
      worker.postMessage({ type: 'checkpoint' } satisfies ToWorker);
    });
  }

  /** A station's logged frames, newest first, including every frame posted before. */
  messages(stationId: string, limit: number, beforeId: number): Promise<MessageLogEntry[]> {
    const worker = this.thread.worker;
    if (!worker) return Promise.resolve([]);
    const id = ++this.nextQuery;
    return new Promise((resolve) => {
      this.queries.set(id, resolve);
      worker.postMessage({ type: 'query', id, stationId, limit, beforeId } satisfies ToWorker);
    });
  }

  /** Stores what was posted, closes the worker's connections and ends the thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
