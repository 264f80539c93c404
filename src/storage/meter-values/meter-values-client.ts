import type { MeterSample } from '../../domain/meter.ts';
import { StorageUnavailableError, storageProblemOf } from '../storage-health.ts';
import { ByteBatchWriter } from '../worker/byte-batch.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from '../worker/protocol.ts';
import { SupervisedThread } from '../worker/worker-thread.ts';
import { encodeWrite, writeRoom } from './encoded-writes.ts';

interface PendingWrite {
  id: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writes go to the thread at most 2 ms after they are made (or at once when many are waiting): a message per
 * turn of the event loop cost the main thread more than the writes themselves under load. The thread commits
 * at most every 5 ms (COMMIT_WINDOW_MS there), so 2 ms instead of 1 halves the messages (and the thread's
 * wake-ups) without making most writes wait for a later commit.
 */
const SEND_AFTER_MS = 2;
const SEND_AT_WRITES = 256;
/** A 2 ms batch is a few KiB at 10,000 messages/s; kept under glibc's mmap threshold so that it is not a system call. */
const BATCH_BYTES = 64 * 1024;

const stopped = () => new StorageUnavailableError('io_error', new Error('the meter-value thread has stopped'));

/**
 * The main thread's side of the meter-value thread (meter-values-thread.ts): storing a meter value costs the
 * event loop a few array pushes, and one message carries the writes of a millisecond. While the thread is
 * being started again after stopping unexpectedly, meter values are refused, never acknowledged, so the
 * chargers send them again.
 */
export class MeterValuesThread {
  /** Settles once the thread has opened the meter-value file; rejects if it could not. */
  readonly ready: Promise<void>;
  private readonly thread: SupervisedThread;
  /**
   * Writes sent and not yet answered, in the order of their ids (the thread stores them in that order), from
   * `settled` on. An array: a Map with an insertion and a deletion per meter value rebuilt its table every few
   * thousand, and at thousands in flight those tables were large enough to go straight to the old generation.
   */
  private pending: Array<PendingWrite | undefined> = [];
  private settled = 0;
  private readonly outgoing = new ByteBatchWriter(BATCH_BYTES, () => this.send());
  private nextWrite = 0;
  private sendScheduled = false;
  private storedListener: ((failure: StorageUnavailableError | undefined) => void) | undefined;

  constructor(data: Omit<StorageWorkerData, 'nativeBindingFile' | 'role'>, onProblem: (message: string) => void) {
    this.thread = new SupervisedThread({ ...data, role: 'meter-values' }, 'meter-value thread', {
      onMessage: (message) => {
        if (message.type === 'stored') this.settle(message);
      },
      onStopped: (restarting) => {
        const unsettled = this.pending.slice(this.settled) as PendingWrite[];
        this.pending = [];
        this.settled = 0;
        for (const write of unsettled) write.reject(stopped());
        this.outgoing.take();
        if (restarting) this.storedListener?.(stopped());
      },
      onProblem,
    });
    this.ready = this.thread.ready;
  }

  /** Stores one EVSE's meter samples; settles once they are durable, or rejects (StorageUnavailableError). */
  storeSamples(stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): Promise<void> {
    if (!this.thread.worker) return Promise.reject(stopped());
    const id = ++this.nextWrite;
    const room = writeRoom(stationId, samples);
    this.outgoing.reserve(room);
    encodeWrite(this.outgoing, id, stationId, evseId, transactionId, samples);
    if (++this.outgoing.count >= SEND_AT_WRITES) this.send();
    else if (!this.sendScheduled) {
      this.sendScheduled = true;
      setTimeout(() => this.send(), SEND_AFTER_MS);
    }
    return new Promise((resolve, reject) => this.pending.push({ id, resolve, reject }));
  }

  /** Hears after every stored batch: undefined, or the storage failure it met (for the storage health). */
  onStored(listener: (failure: StorageUnavailableError | undefined) => void): void {
    this.storedListener = listener;
  }

  /** Stores what was handed over, closes the file and ends the thread. */
  close(): Promise<void> {
    return this.thread.close(() => this.send());
  }

  private send(): void {
    this.sendScheduled = false;
    const worker = this.thread.worker;
    if (!worker) return;
    const batch = this.outgoing.take();
    if (batch) worker.postMessage({ type: 'samples', bytes: batch.bytes, length: batch.length } satisfies ToWorker, [batch.bytes]);
  }

  private settle(message: Extract<FromWorker, { type: 'stored' }>): void {
    const failed = message.failed.length === 0 ? undefined : new Map(message.failed.map(([id, code, text]) => [id, Object.assign(new Error(text), { code })]));
    let storageFailure: StorageUnavailableError | undefined;
    const pending = this.pending;
    let at = this.settled;
    for (; at < pending.length && pending[at]!.id <= message.upTo; at++) {
      const write = pending[at]!;
      pending[at] = undefined;
      const error = failed?.get(write.id);
      if (!error) {
        write.resolve();
        continue;
      }
      const problem = storageProblemOf(error);
      const failure = problem ? new StorageUnavailableError(problem, error) : error;
      if (failure instanceof StorageUnavailableError) storageFailure ??= failure;
      write.reject(failure);
    }
    // Settled entries are dropped in one go once they are most of the array (amortised: no shift per write).
    if (at === pending.length) {
      pending.length = 0;
      at = 0;
    } else if (at > 1024 && at * 2 > pending.length) {
      this.pending = pending.slice(at);
      at = 0;
    }
    this.settled = at;
    this.storedListener?.(storageFailure);
  }
}
