import type { MessageLogEntry } from '../message-log.ts';

/** What the storage worker is started with. */
export interface StorageWorkerData {
  /** Which thread this is: the storage thread, or the meter-value thread (the meter-value file's writer). */
  role: 'storage' | 'meter-values';
  /** The appliance database: the worker checkpoints it with a connection of its own. */
  databaseFile: string;
  /** The OCPP message log's own database file (diagnostics; not synced). */
  messageLogFile: string;
  messageLogMaxRows: number;
  /** The meter values' database file (meter-values-file.ts), written by the meter-value thread alone. */
  meterValuesFile: string;
  /** Shared by the meter-value thread and the storage thread (GATE_BYTES; see checkpoint-gate.ts). */
  meterCheckpointGate: SharedArrayBuffer;
  /** The better-sqlite3 addon already extracted by the executable; undefined when running from source. */
  nativeBindingFile: string | undefined;
}

/** A write the worker could not store: its id, the SQLite error code (storage-health.ts reads it) and message. */
export type FailedWrite = [id: number, code: string | null, message: string];

export type ToWorker =
  /** Message-log rows, written by MessageLog.append into a ByteBatchWriter (byte-batch.ts); `bytes` is transferred. */
  | { type: 'log'; bytes: ArrayBuffer; length: number; rows: number }
  /** Meter-value writes (encoded-writes.ts's encodeWrite, in a ByteBatchWriter); `bytes` is transferred. */
  | { type: 'samples'; bytes: ArrayBuffer; length: number }
  | { type: 'query'; id: number; stationId: string; limit: number; beforeId: number }
  | { type: 'checkpoint' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'stored'; upTo: number; failed: FailedWrite[] }
  | { type: 'rows'; id: number; items: MessageLogEntry[] }
  | { type: 'checkpointed'; frames: number }
  | { type: 'closed' }
  | { type: 'problem'; message: string };
