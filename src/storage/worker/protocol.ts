import type { MessageLogEntry } from '../message-log.ts';

/** What the storage worker is started with. */
export interface StorageWorkerData {
  /** The appliance database: the worker checkpoints it with a connection of its own. */
  databaseFile: string;
  /** The OCPP message log's own database file (diagnostics; not synced). */
  messageLogFile: string;
  messageLogMaxRows: number;
  /** The better-sqlite3 addon already extracted by the executable; undefined when running from source. */
  nativeBindingFile: string | undefined;
}

/** Message-log rows travel as one flat array, LOG_FIELDS values a row, to keep postMessage cheap. */
export const LOG_FIELDS = 7;

export type ToWorker =
  | { type: 'log'; rows: Array<string | null> }
  | { type: 'query'; id: number; stationId: string; limit: number; beforeId: number }
  | { type: 'checkpoint' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'rows'; id: number; items: MessageLogEntry[] }
  | { type: 'checkpointed'; frames: number }
  | { type: 'closed' }
  | { type: 'problem'; message: string };
