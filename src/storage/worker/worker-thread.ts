import { Worker, type ResourceLimits } from 'node:worker_threads';
import { nativeSqliteBindingFile, seaAsset } from '../../platform/sea.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';

/** The storage worker threads' code as one script, embedded in the executable by scripts/build/build.ts. */
export const STORAGE_WORKER_ASSET = 'storage-worker.cjs';

/**
 * The threads allocate quickly but keep little (batches that are stored and dropped), so a small young
 * generation is collected often and cheaply, and bounds what each thread holds beyond its heap. (Its effect
 * on the benchmark's RSS is within the run-to-run noise.)
 */
const YOUNG_GENERATION_MB = 8;

/** A thread running the storage worker script (storage-worker.ts): the copy embedded in the executable, or the source. */
export function newStorageWorker(workerData: object, options: { resourceLimits?: ResourceLimits } = {}): Worker {
  const embedded = seaAsset(STORAGE_WORKER_ASSET);
  return embedded
    ? new Worker(embedded.toString('utf8'), { eval: true, workerData, ...options })
    : new Worker(new URL('./storage-worker.ts', import.meta.url), { workerData, ...options });
}

/**
 * Starts one of the storage worker threads (storage-worker.ts) and follows it: `ready` settles once it has
 * opened its files and rejects if it could not (a full disk, say). Nothing here keeps the process alive.
 */
function startWorkerThread(
  data: Omit<StorageWorkerData, 'nativeBindingFile'>,
  handlers: { onMessage: (message: FromWorker) => void; onError: (error: Error) => void; onExit: () => void },
): { worker: Worker; ready: Promise<void> } {
  const workerData: StorageWorkerData = { ...data, nativeBindingFile: nativeSqliteBindingFile() };
  const worker = newStorageWorker(workerData, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
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
function closeThread(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.postMessage({ type: 'close' } satisfies ToWorker);
  });
}

/** After a thread stopped unexpectedly, how long until it is started again; doubled while it cannot start. */
const RESTART_AFTER_MS = 1_000;
const RESTART_AFTER_MAX_MS = 30_000;

/**
 * A storage thread that is started again when it stops without being asked (a bug or a failure inside it):
 * until then `worker` is undefined and the client refuses what needs the thread. Only a thread that once ran
 * is restarted; a first start that fails rejects `ready`, for the appliance to report.
 */
export class SupervisedThread {
  readonly ready: Promise<void>;
  private current: Worker | undefined;
  private closing: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartAfterMs = RESTART_AFTER_MS;
  private hasRun = false;
  private readonly data: Omit<StorageWorkerData, 'nativeBindingFile'>;
  private readonly name: string;
  private readonly handlers: {
    onMessage: (message: FromWorker) => void;
    /** The thread is gone: settle what waits for it. `restarting`: it stopped unexpectedly and will be started again. */
    onStopped: (restarting: boolean) => void;
    onProblem: (message: string) => void;
  };

  constructor(data: Omit<StorageWorkerData, 'nativeBindingFile'>, name: string, handlers: SupervisedThread['handlers']) {
    this.data = data;
    this.name = name;
    this.handlers = handlers;
    this.ready = this.start();
  }

  /** The running thread; undefined while it is being started again or once closing began. */
  get worker(): Worker | undefined {
    return this.closing ? undefined : this.current;
  }

  /** Runs `beforeClose` (the last posts), asks the thread to store what it was sent and end; settles when it has. */
  close(beforeClose?: () => void): Promise<void> {
    if (this.closing) return this.closing;
    clearTimeout(this.restartTimer);
    const worker = this.current;
    if (!worker) return (this.closing = Promise.resolve());
    beforeClose?.();
    this.closing = closeThread(worker);
    return this.closing;
  }

  private start(): Promise<void> {
    const started = startWorkerThread(this.data, {
      onMessage: this.handlers.onMessage,
      onError: (error) => this.handlers.onProblem(`${this.name} failed: ${error.message}`),
      onExit: () => this.stopped(started.worker),
    });
    this.current = started.worker;
    started.ready.then(() => {
      this.hasRun = true;
      this.restartAfterMs = RESTART_AFTER_MS;
    }, () => {});
    return started.ready;
  }

  private stopped(worker: Worker): void {
    if (this.current !== worker) return;
    this.current = undefined;
    const restarting = !this.closing && this.hasRun;
    this.handlers.onStopped(restarting);
    if (!restarting) return;
    const delay = this.restartAfterMs;
    this.restartAfterMs = Math.min(delay * 2, RESTART_AFTER_MAX_MS);
    this.handlers.onProblem(`${this.name} stopped; starting it again in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing) return;
      this.start().then(
        () => this.handlers.onProblem(`${this.name} started again`),
        (error: Error) => this.handlers.onProblem(`${this.name} could not start again: ${error.message}`),
      );
    }, delay);
    this.restartTimer.unref();
  }
}
