import type { StorageWorker } from './worker/storage-worker-client.ts';
import { ByteBatchWriter, stringRoom } from './worker/byte-batch.ts';

export interface MessageLogEntry {
  id: number;
  stationId: string;
  at: string;
  direction: 'in' | 'out';
  messageType: string;
  messageId: string;
  action: string | null;
  payload: string;
}

export type NewMessageLogEntry = Omit<MessageLogEntry, 'id'>;

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
    let payload = entry.payload;
    if (payload.length > MAX_STORED_FRAME) payload = `${payload.slice(0, MAX_STORED_FRAME)}…(${payload.length} chars, truncated)`;
    const { stationId, at, direction, messageType, messageId, action } = entry;
    // The storage thread reads the fields in this order (storage-worker.ts).
    const room = stringRoom(stationId) + stringRoom(at) + stringRoom(direction) + stringRoom(messageType) + stringRoom(messageId) + stringRoom(action) + stringRoom(payload);
    const batch = this.batch;
    batch.reserve(room);
    batch.string(stationId);
    batch.string(at);
    batch.string(direction);
    batch.string(messageType);
    batch.string(messageId);
    batch.string(action);
    batch.string(payload);
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
