import { Worker } from 'node:worker_threads';
import { nativeSqliteBindingFile, seaAsset } from '../../platform/sea.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';

/** The storage worker threads' code as one script, embedded in the executable by scripts/build/build.ts. */
export const STORAGE_WORKER_ASSET = 'storage-worker.cjs';

/**
 * The threads allocate quickly but keep little (batches that are stored and dropped): V8 would grow each
 * one's young generation to tens of megabytes. Small, it is collected more often, cheaply.
 */
const YOUNG_GENERATION_MB = 8;

/**
 * Starts one of the storage worker threads (storage-worker.ts) and follows it: `ready` settles once it has
 * opened its files and rejects if it could not (a full disk, say). Nothing here keeps the process alive.
 */
export function startWorkerThread(
  data: Omit<StorageWorkerData, 'nativeBindingFile'>,
  handlers: { onMessage: (message: FromWorker) => void; onError: (error: Error) => void; onExit: () => void },
): { worker: Worker; ready: Promise<void> } {
  const workerData: StorageWorkerData = { ...data, nativeBindingFile: nativeSqliteBindingFile() };
  const embedded = seaAsset(STORAGE_WORKER_ASSET);
  const options = { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  const worker = embedded
    ? new Worker(embedded.toString('utf8'), { eval: true, ...options })
    : new Worker(new URL('./storage-worker.ts', import.meta.url), options);
  worker.unref();
  let started: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  ready.catch(() => {});
  worker.on('message', (message: FromWorker) => (message.type === 'ready' ? started() : handlers.onMessage(message)));
  worker.on('error', (error) => {
    failed(error);
    handlers.onError(error);
  });
  worker.on('exit', () => {
    failed(new Error('the thread stopped before it was ready'));
    handlers.onExit();
  });
  return { worker, ready };
}

/** Asks a thread to store what it was sent and close its files; settles when it has ended. */
export function closeThread(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'close' } satisfies ToWorker);
  });
}
