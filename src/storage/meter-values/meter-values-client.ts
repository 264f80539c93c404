import type { Worker } from 'node:worker_threads';
import type { MeterSample } from '../../domain/meter.ts';
import { StorageUnavailableError, storageProblemOf } from '../storage-health.ts';
import type { FlatSamples, FromWorker, StorageWorkerData, ToWorker } from '../worker/protocol.ts';
import { closeThread, startWorkerThread } from '../worker/worker-thread.ts';
import { encodeWrite } from './flat-samples.ts';

interface PendingWrite {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writes go to the thread at most a millisecond after they are made (or at once when many are waiting): a
 * message per turn of the event loop cost the main thread more than the writes themselves under load.
 */
const SEND_AFTER_MS = 1;
const SEND_AT_WRITES = 256;

const stopped = () => new StorageUnavailableError('io_error', new Error('the meter-value thread has stopped'));

/** After the thread stopped unexpectedly, how long until it is started again; doubled while it cannot start. */
const RESTART_AFTER_MS = 1_000;
const RESTART_AFTER_MAX_MS = 30_000;

/**
 * The main thread's side of the meter-value thread (meter-values-thread.ts): storing a meter value costs the
 * event loop a few array pushes, and one message carries the writes of a millisecond. A thread that stops
 * without being asked (a bug, a failure inside it) is started again; meanwhile meter values are refused,
 * never acknowledged, so the chargers send them again.
 */
export class MeterValuesThread {
  /** Settles once the thread has opened the meter-value file; rejects if it could not. */
  readonly ready: Promise<void>;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, PendingWrite>();
  private outgoing: FlatSamples = [];
  private outgoingWrites = 0;
  private nextWrite = 0;
  private sendScheduled = false;
  private storedListener: ((failure: StorageUnavailableError | undefined) => void) | undefined;
  private closing: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartAfterMs = RESTART_AFTER_MS;
  /** Only a thread that once ran is started again: a first start that fails is the appliance's to report. */
  private hasRun = false;
  private readonly data: Omit<StorageWorkerData, 'nativeBindingFile' | 'role'>;
  private readonly onProblem: (message: string) => void;

  constructor(data: Omit<StorageWorkerData, 'nativeBindingFile' | 'role'>, onProblem: (message: string) => void) {
    this.data = data;
    this.onProblem = onProblem;
    this.ready = this.start();
  }

  /** Starts the thread; settles when it is ready (or failed to open its file). */
  private start(): Promise<void> {
    const started = startWorkerThread({ ...this.data, role: 'meter-values' }, {
      onMessage: (message: FromWorker) => {
        if (message.type === 'stored') this.settle(message);
      },
      onError: (error) => this.onProblem(`meter-value thread failed: ${error.message}`),
      onExit: () => this.stoppedRunning(started.worker),
    });
    this.worker = started.worker;
    started.ready.then(() => {
      this.hasRun = true;
      this.restartAfterMs = RESTART_AFTER_MS;
    }, () => {});
    return started.ready;
  }

  private stoppedRunning(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const write of this.pending.values()) write.reject(stopped());
    this.pending.clear();
    this.outgoing = [];
    this.outgoingWrites = 0;
    if (this.closing || !this.hasRun) return;
    this.storedListener?.(stopped());
    this.onProblem(`meter-value thread stopped; starting it again in ${this.restartAfterMs} ms (meter values are refused until then)`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartAfterMs;
    this.restartAfterMs = Math.min(delay * 2, RESTART_AFTER_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing) return;
      this.start().then(
        () => this.onProblem('meter-value thread started again'),
        (error: Error) => this.onProblem(`meter-value thread could not start again: ${error.message}`),
      );
    }, delay);
    this.restartTimer.unref();
  }

  /** Stores one EVSE's meter samples; settles once they are durable, or rejects (StorageUnavailableError). */
  storeSamples(stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): Promise<void> {
    if (!this.worker || this.closing) return Promise.reject(stopped());
    const id = ++this.nextWrite;
    encodeWrite(this.outgoing, id, stationId, evseId, transactionId, samples);
    if (++this.outgoingWrites >= SEND_AT_WRITES) this.send();
    else if (!this.sendScheduled) {
      this.sendScheduled = true;
      setTimeout(() => this.send(), SEND_AFTER_MS);
    }
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** Hears after every stored batch: undefined, or the storage failure it met (for the storage health). */
  onStored(listener: (failure: StorageUnavailableError | undefined) => void): void {
    this.storedListener = listener;
  }

  /** Stores what was handed over, closes the file and ends the thread. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return (this.closing = Promise.resolve());
    this.send();
    this.closing = closeThread(worker);
    return this.closing;
  }

  private send(): void {
    this.sendScheduled = false;
    if (this.outgoing.length === 0 || !this.worker) return;
    const writes = this.outgoing;
    this.outgoing = [];
    this.outgoingWrites = 0;
    this.worker.postMessage({ type: 'samples', writes } satisfies ToWorker);
  }

  private settle(message: Extract<FromWorker, { type: 'stored' }>): void {
    const failed = new Map(message.failed.map(([id, code, text]) => [id, Object.assign(new Error(text), { code })]));
    let storageFailure: StorageUnavailableError | undefined;
    // The thread stores writes in the order of their ids.
    for (const [id, write] of this.pending) {
      if (id > message.upTo) break;
      this.pending.delete(id);
      const error = failed.get(id);
      if (!error) {
        write.resolve();
        continue;
      }
      const problem = storageProblemOf(error);
      const failure = problem ? new StorageUnavailableError(problem, error) : error;
      if (failure instanceof StorageUnavailableError) storageFailure ??= failure;
      write.reject(failure);
    }
    this.storedListener?.(storageFailure);
  }
}
