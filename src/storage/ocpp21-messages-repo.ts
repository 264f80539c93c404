import type { Ocpp21Message } from '../domain/ocpp21-messages.ts';
import type { Db } from './database.ts';

const columns = 'id, station_id AS stationId, action, kind, payload, answer, received_at AS receivedAt';
type Row = Omit<Ocpp21Message, 'payload' | 'answer'> & { payload: string; answer: string | null };
const toMessage = (row: Row): Ocpp21Message => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown>, answer: row.answer === null ? null : (JSON.parse(row.answer) as unknown) });

export class Ocpp21MessagesRepo {
  private readonly db: Db;
  private readonly keepPerStation: number;
  private readonly s;

  /** Periodic event streams can send every second: the newest `keepPerStation` messages of each station are kept. */
  constructor(db: Db, keepPerStation = 20_000) {
    this.db = db;
    this.keepPerStation = keepPerStation;
    this.s = {
      insert: db.prepare('INSERT INTO ocpp21_messages (station_id, action, kind, payload, answer, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: db.prepare(`SELECT ${columns} FROM ocpp21_messages WHERE id = ?`),
      trim: db.prepare(`DELETE FROM ocpp21_messages WHERE station_id = ? AND id IN (
        SELECT id FROM ocpp21_messages WHERE station_id = ? ORDER BY id DESC LIMIT -1 OFFSET ?)`),
    };
  }

  insert(message: Omit<Ocpp21Message, 'id'>): Ocpp21Message {
    const id = Number(
      this.s.insert.run(message.stationId, message.action, message.kind, JSON.stringify(message.payload), message.answer === null ? null : JSON.stringify(message.answer), message.receivedAt).lastInsertRowid,
    );
    // Trimming scans the station's rows; every 100th insert is often enough to bound the table.
    if (id % 100 === 0) this.s.trim.run(message.stationId, message.stationId, this.keepPerStation);
    return toMessage(this.s.byId.get(id) as Row);
  }

  list(stationId: string, filter: { action?: string; limit: number; beforeId: number }): Ocpp21Message[] {
    const where = ['station_id = ?', 'id < ?'];
    const args: unknown[] = [stationId, filter.beforeId];
    if (filter.action) {
      where.push('action = ?');
      args.push(filter.action);
    }
    return (this.db.prepare(`SELECT ${columns} FROM ocpp21_messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, filter.limit) as Row[]).map(toMessage);
  }
}
