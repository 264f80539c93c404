import type { StorageWorker } from './worker/storage-worker-client.ts';
import { ByteBatchWriter } from './worker/byte-batch.ts';
import { encodeLogRow, logRowRoom, type LogRow } from './message-log-rows.ts';

export interface MessageLogEntry extends LogRow {
  id: number;
}

export type NewMessageLogEntry = LogRow;

/** The message log's own database file in the data directory. */
export const MESSAGE_LOG_FILE = 'ocpp-messages.sqlite';

const MAX_STORED_FRAME = 64 * 1024;
const BATCH_ROWS = 1000;
const BATCH_BYTES = 512 * 1024;

/**
 * Every OCPP frame in and out, kept for diagnosis. Frames are written into a byte buffer (byte-batch.ts) and
 * handed to the storage worker in batches; it keeps them in a database file of their own (the log is not
 * acknowledged data, so it neither waits for the disk nor adds to the commits that acknowledge chargers'
 * messages), trimmed to the configured number of rows.
 */
export class MessageLog {
  private readonly worker: StorageWorker;
  private readonly batch = new ByteBatchWriter(BATCH_BYTES, () => this.flush());
  private timer: NodeJS.Timeout | undefined;

  constructor(worker: StorageWorker) {
    this.worker = worker;
  }

  append(entry: NewMessageLogEntry): void {
    const row = entry.payload.length > MAX_STORED_FRAME ? { ...entry, payload: `${entry.payload.slice(0, MAX_STORED_FRAME)}…(${entry.payload.length} chars, truncated)` } : entry;
    const batch = this.batch;
    batch.reserve(logRowRoom(row));
    encodeLogRow(batch, row);
    if (++batch.count >= BATCH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 100);
  }

  /** Hands what is buffered to the storage worker. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch.take();
    if (batch) this.worker.post({ type: 'log', bytes: batch.bytes, length: batch.length, rows: batch.count }, [batch.bytes]);
  }

  /** Stores what is buffered and ends the storage worker. */
  close(): Promise<void> {
    this.flush();
    return this.worker.close();
  }

  /** A station's frames, newest first; includes every frame appended before the call. */
  forStation(stationId: string, limit: number, beforeId = Number.MAX_SAFE_INTEGER): Promise<MessageLogEntry[]> {
    this.flush();
    return this.worker.messages(stationId, limit, beforeId);
  }
}
