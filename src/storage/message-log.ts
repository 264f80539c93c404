import type { Db } from './database.ts';
import type { WriteQueue } from './write-queue.ts';

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

const MAX_STORED_FRAME = 64 * 1024;

/**
 * Every OCPP frame in and out, kept for diagnosis. Writes are buffered and inserted in batches
 * (the log is not acknowledged data), and the table is trimmed to the configured number of rows.
 */
export class MessageLog {
  private readonly db: Db;
  private readonly maxRows: number;
  private buffer: NewMessageLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private insertsSinceTrim = 0;
  /** Frames not stored because the database could not be written. */
  dropped = 0;
  private readonly insert;
  private readonly trim;
  private readonly byStation;

  private readonly writes: WriteQueue | undefined;

  /** With a write queue, log batches ride in its group commits instead of paying for commits of their own. */
  constructor(db: Db, maxRows: number, writes?: WriteQueue) {
    this.db = db;
    this.maxRows = maxRows;
    this.writes = writes;
    this.insert = db.prepare(`INSERT INTO ocpp_messages (station_id, at, direction, message_type, message_id, action, payload)
      VALUES (@stationId, @at, @direction, @messageType, @messageId, @action, @payload)`);
    this.trim = db.prepare('DELETE FROM ocpp_messages WHERE id <= (SELECT MAX(id) FROM ocpp_messages) - ?');
    this.byStation = db.prepare(`SELECT id, station_id AS stationId, at, direction, message_type AS messageType,
      message_id AS messageId, action, payload FROM ocpp_messages WHERE station_id = ? AND id < ? ORDER BY id DESC LIMIT ?`);
  }

  append(entry: NewMessageLogEntry): void {
    if (entry.payload.length > MAX_STORED_FRAME) {
      entry = { ...entry, payload: entry.payload.slice(0, MAX_STORED_FRAME) + `…(${entry.payload.length} chars, truncated)` };
    }
    this.buffer.push(entry);
    if (this.buffer.length >= 500) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 200);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const store = () => {
      for (const entry of batch) this.insert.run(entry);
      this.insertsSinceTrim += batch.length;
      if (this.insertsSinceTrim >= 1000) {
        this.trim.run(this.maxRows);
        this.insertsSinceTrim = 0;
      }
    };
    // A full or failing disk: the log is diagnostics, never acknowledged data, so the batch is dropped rather
    // than taking the connection (or the process) down. The write queue reports the disk problem.
    if (this.writes) {
      this.writes.run(store).catch(() => {
        this.dropped += batch.length;
      });
      return;
    }
    try {
      this.db.transaction(store)();
    } catch {
      this.dropped += batch.length;
    }
  }

  forStation(stationId: string, limit: number, beforeId = Number.MAX_SAFE_INTEGER): MessageLogEntry[] {
    this.flush();
    this.writes?.flush();
    return this.byStation.all(stationId, beforeId, limit) as MessageLogEntry[];
  }
}
