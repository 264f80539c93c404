import type { DisplayMessage, MessageInfo } from '../domain/display-message.ts';
import type { Db } from './database.ts';

type Row = { info: string; setAt: string | null; reportedAt: string | null; updatedAt: string };
const toMessage = (row: Row): DisplayMessage => ({ ...(JSON.parse(row.info) as MessageInfo), setAt: row.setAt, reportedAt: row.reportedAt, updatedAt: row.updatedAt });

export class DisplayMessagesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      set: db.prepare(`INSERT INTO display_messages (station_id, message_id, info, set_at, updated_at) VALUES (@stationId, @id, @info, @at, @at)
        ON CONFLICT DO UPDATE SET info = excluded.info, set_at = excluded.set_at, updated_at = excluded.updated_at`),
      reported: db.prepare(`INSERT INTO display_messages (station_id, message_id, info, reported_at, updated_at) VALUES (@stationId, @id, @info, @at, @at)
        ON CONFLICT DO UPDATE SET info = excluded.info, reported_at = excluded.reported_at, updated_at = excluded.updated_at`),
      remove: db.prepare('DELETE FROM display_messages WHERE station_id = ? AND message_id = ?'),
      removeOlder: db.prepare('DELETE FROM display_messages WHERE station_id = ? AND updated_at < ?'),
      list: db.prepare(`SELECT info, set_at AS setAt, reported_at AS reportedAt, updated_at AS updatedAt FROM display_messages WHERE station_id = ? ORDER BY message_id`),
    };
  }

  set(stationId: string, info: MessageInfo, at: string): void {
    this.s.set.run({ stationId, id: info.id, info: JSON.stringify(info), at });
  }

  reported(stationId: string, info: MessageInfo, at: string): void {
    this.s.reported.run({ stationId, id: info.id, info: JSON.stringify(info), at });
  }

  remove(stationId: string, id: number): void {
    this.s.remove.run(stationId, id);
  }

  removeOlderThan(stationId: string, at: string): void {
    this.s.removeOlder.run(stationId, at);
  }

  list(stationId: string): DisplayMessage[] {
    return (this.s.list.all(stationId) as Row[]).map(toMessage);
  }
}
