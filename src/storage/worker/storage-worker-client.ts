import { Worker } from 'node:worker_threads';
import { nativeSqliteBindingFile, seaAsset } from '../../platform/sea.ts';
import type { MessageLogEntry } from '../message-log.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';

/** The storage worker's code as one script, embedded in the executable by scripts/build/build.ts. */
export const STORAGE_WORKER_ASSET = 'storage-worker.cjs';

/**
 * The main thread's side of the storage worker thread (storage-worker.ts): checkpoints of the appliance
 * database and the OCPP message log, so that neither costs the event loop a copy or an fsync.
 */
export class StorageWorker {
  private readonly worker: Worker;
  private readonly queries = new Map<number, (items: MessageLogEntry[]) => void>();
  private nextQuery = 0;
  private checkpointDone: ((frames: number) => void) | undefined;
  private closing: Promise<void> | undefined;
  private exited = false;

  constructor(data: Omit<StorageWorkerData, 'nativeBindingFile'>, onProblem: (message: string) => void) {
    const workerData: StorageWorkerData = { ...data, nativeBindingFile: nativeSqliteBindingFile() };
    const embedded = seaAsset(STORAGE_WORKER_ASSET);
    this.worker = embedded
      ? new Worker(embedded.toString('utf8'), { eval: true, workerData })
      : new Worker(new URL('./storage-worker.ts', import.meta.url), { workerData });
    // Nothing here keeps the process alive: closing the appliance closes the worker.
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'rows') {
        this.queries.get(message.id)?.(message.items);
        this.queries.delete(message.id);
      } else if (message.type === 'checkpointed') {
        this.checkpointDone?.(message.frames);
        this.checkpointDone = undefined;
      } else if (message.type === 'problem') {
        onProblem(message.message);
      }
    });
    this.worker.on('error', (error) => onProblem(`storage worker failed: ${error.message}`));
    this.worker.on('exit', () => {
      this.exited = true;
      for (const answer of this.queries.values()) answer([]);
      this.queries.clear();
      this.checkpointDone?.(0);
    });
  }

  post(message: ToWorker): void {
    if (!this.exited && !this.closing) this.worker.postMessage(message);
  }

  /** Checkpoints the appliance database (see WalDurability); settles with the WAL's frames (0: failed or the worker is gone). */
  checkpoint(): Promise<number> {
    if (this.exited || this.closing) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.checkpointDone = resolve;
      this.worker.postMessage({ type: 'checkpoint' } satisfies ToWorker);
    });
  }

  /** A station's logged frames, newest first, including every frame posted before. */
  messages(stationId: string, limit: number, beforeId: number): Promise<MessageLogEntry[]> {
    if (this.exited || this.closing) return Promise.resolve([]);
    const id = ++this.nextQuery;
    return new Promise((resolve) => {
      this.queries.set(id, resolve);
      this.worker.postMessage({ type: 'query', id, stationId, limit, beforeId } satisfies ToWorker);
    });
  }

  /** Stores what was posted, closes the worker's connections and ends the thread. */
  close(): Promise<void> {
    this.closing ??= this.exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.worker.once('exit', () => resolve());
          this.worker.postMessage({ type: 'close' } satisfies ToWorker);
        });
    return this.closing;
  }
}
