import type BetterSqlite3 from 'better-sqlite3';
import type { MessageLogEntry } from '../message-log.ts';
import { decodeFrames, encodeFrame, type LoggedFrameRecord } from './message-log-chunks.ts';
import { LOG_FIELDS } from './protocol.ts';

/** A chunk is stored once it holds this many frames or this much text (a 2.x report's frames can be large). */
const CHUNK_FRAMES = 16;
const CHUNK_CHARS = 16 * 1024;
/**
 * How long a station's newest frames wait in memory for more before they are stored anyway. Held longer, they
 * outlive the thread's young generation and its old one grows: the benchmark's heavy step peaked at 399 and
 * 416 MB RSS with 2 s, 372 MB with 1 s (single runs each, 2026-11-25).
 */
export const CHUNK_AGE_MS = 1000;

type OldRow = Omit<LoggedFrameRecord, 'at'> & { stationId: string; at: string };

interface OpenChunk {
  firstId: number;
  lastId: number;
  text: string;
  count: number;
  openedAt: number;
}

/**
 * The OCPP message log on the storage thread. A station's frames are stored together, several in one row,
 * found through an index on (station, newest id). A row and an index entry for every frame cost about 11 µs of
 * the storage thread's CPU per message (the frame in and the answer out; replayed without sockets, 5,000
 * stations); a chunk of 16 frames costs about a quarter of that per frame. A station's newest frames are held
 * for at most CHUNK_AGE_MS, so a crash may lose that much of the log: it is diagnostics, never acknowledged data.
 */
export class MessageLogStore {
  private readonly db: BetterSqlite3.Database;
  private readonly maxFrames: number;
  private readonly open = new Map<string, OpenChunk>();
  private readonly s;
  private lastId: number;
  private storedSinceTrim = 0;

  constructor(db: BetterSqlite3.Database, maxFrames: number) {
    this.db = db;
    this.maxFrames = maxFrames;
    db.exec(`CREATE TABLE IF NOT EXISTS ocpp_message_chunks (
      last_id INTEGER PRIMARY KEY,
      first_id INTEGER NOT NULL,
      station_id TEXT NOT NULL,
      frames TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ocpp_message_chunks_by_station ON ocpp_message_chunks (station_id, last_id);`);
    this.s = {
      insert: db.prepare('INSERT INTO ocpp_message_chunks (last_id, first_id, station_id, frames) VALUES (?, ?, ?, ?)'),
      trim: db.prepare('DELETE FROM ocpp_message_chunks WHERE last_id <= ?'),
      // A station's chunks do not overlap: the one that holds `beforeId` (if any), then the older ones.
      straddling: db.prepare('SELECT first_id AS firstId, frames FROM ocpp_message_chunks WHERE station_id = ? AND last_id >= ? ORDER BY last_id LIMIT 1'),
      older: db.prepare('SELECT frames FROM ocpp_message_chunks WHERE station_id = ? AND last_id < ? ORDER BY last_id DESC'),
    };
    this.lastId = (db.prepare('SELECT MAX(last_id) FROM ocpp_message_chunks').pluck().get() as number | null) ?? 0;
    this.upgradeFrameRows();
  }

  /** Takes a batch of frames from the main thread (LOG_FIELDS values each: station, at in ms, direction, type, message id, action, payload). */
  append(rows: ReadonlyArray<string | number | null>): void {
    this.db.transaction(() => {
      for (let i = 0; i < rows.length; i += LOG_FIELDS) {
        this.add(rows[i] as string, {
          id: ++this.lastId, at: rows[i + 1] as number, direction: rows[i + 2] as 'in' | 'out', messageType: rows[i + 3] as string,
          messageId: rows[i + 4] as string, action: rows[i + 5] as string | null, payload: rows[i + 6] as string,
        });
      }
      this.trimWhenDue();
    })();
  }

  /** Stores every chunk opened at or before `openedBefore` (all of them by default). */
  storeOpenChunks(openedBefore = Infinity): void {
    this.db.transaction(() => {
      for (const [stationId, chunk] of this.open) if (chunk.openedAt <= openedBefore) this.store(stationId, chunk);
    })();
  }

  /** A station's frames before `beforeId`, newest first. */
  framesOf(stationId: string, beforeId: number, limit: number): MessageLogEntry[] {
    const chunk = this.open.get(stationId);
    if (chunk) this.db.transaction(() => this.store(stationId, chunk))();
    const out: MessageLogEntry[] = [];
    const take = (text: string) => {
      const frames = decodeFrames(stationId, text);
      for (let i = frames.length - 1; i >= 0 && out.length < limit; i--) if (frames[i]!.id < beforeId) out.push(frames[i]!);
    };
    const straddling = this.s.straddling.get(stationId, beforeId) as { firstId: number; frames: string } | undefined;
    if (straddling && straddling.firstId < beforeId) take(straddling.frames);
    for (const row of this.s.older.iterate(stationId, beforeId) as IterableIterator<{ frames: string }>) {
      if (out.length >= limit) break;
      take(row.frames);
    }
    return out;
  }

  private add(stationId: string, frame: LoggedFrameRecord): void {
    const text = encodeFrame(frame);
    const chunk = this.open.get(stationId);
    if (!chunk) {
      this.open.set(stationId, { firstId: frame.id, lastId: frame.id, text, count: 1, openedAt: Date.now() });
      return;
    }
    chunk.lastId = frame.id;
    chunk.text += text;
    if (++chunk.count >= CHUNK_FRAMES || chunk.text.length >= CHUNK_CHARS) this.store(stationId, chunk);
  }

  private store(stationId: string, chunk: OpenChunk): void {
    this.s.insert.run(chunk.lastId, chunk.firstId, stationId, chunk.text);
    this.open.delete(stationId);
    this.storedSinceTrim += chunk.count;
  }

  /** Trimming in large steps deletes whole runs of pages instead of a few rows each time. */
  private trimWhenDue(): void {
    if (this.storedSinceTrim < Math.max(1000, this.maxFrames / 20)) return;
    this.s.trim.run(this.lastId - this.maxFrames);
    this.storedSinceTrim = 0;
  }

  /** Logs written before chunks kept a row a frame (table ocpp_messages): their frames move into chunks, ids kept. */
  private upgradeFrameRows(): void {
    const old = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ocpp_messages'").get();
    if (!old) return;
    const page = this.db.prepare(`SELECT id, station_id AS stationId, at, direction, message_type AS messageType, message_id AS messageId, action, payload
      FROM ocpp_messages WHERE id > ? ORDER BY id LIMIT 10000`);
    this.db.transaction(() => {
      // In pages: a connection cannot write while it iterates a query.
      for (let rows = page.all(0) as OldRow[]; rows.length > 0; rows = page.all(rows.at(-1)!.id) as OldRow[]) {
        for (const row of rows) {
          this.add(row.stationId, { ...row, at: Date.parse(row.at) || 0 });
          this.lastId = Math.max(this.lastId, row.id);
        }
      }
      for (const [stationId, chunk] of this.open) this.store(stationId, chunk);
      this.db.exec('DROP TABLE ocpp_messages');
    })();
  }
}
