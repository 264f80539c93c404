import type { SecurityEvent, SecurityEventFilter, SecurityEventSource } from '../domain/security-event.ts';
import type { Db } from './database.ts';
import { Where, pagedList } from './paged-query.ts';

const columns = `id, station_id AS stationId, source, type, timestamp, tech_info AS techInfo, received_at AS receivedAt`;

export interface NewSecurityEvent {
  stationId: string | null;
  source: SecurityEventSource;
  type: string;
  timestamp: string;
  techInfo: string | null;
  receivedAt: string;
}

export class SecurityEventsRepo {
  private readonly db: Db;
  private readonly keepPerStation: number;
  private readonly s;

  /** A station flooding its log must not fill the disk; the newest `keepPerStation` events of each are kept. */
  constructor(db: Db, keepPerStation = 10_000) {
    this.db = db;
    this.keepPerStation = keepPerStation;
    this.s = {
      insert: db.prepare(`INSERT INTO security_events (station_id, source, type, timestamp, tech_info, received_at)
        VALUES (@stationId, @source, @type, @timestamp, @techInfo, @receivedAt)`),
      byId: db.prepare(`SELECT ${columns} FROM security_events WHERE id = ?`),
      trim: db.prepare(`DELETE FROM security_events WHERE station_id = ? AND id IN (
        SELECT id FROM security_events WHERE station_id = ? ORDER BY timestamp DESC, id DESC LIMIT -1 OFFSET ?)`),
    };
  }

  insert(event: NewSecurityEvent): SecurityEvent {
    const id = Number(this.s.insert.run(event).lastInsertRowid);
    if (event.stationId !== null) this.s.trim.run(event.stationId, event.stationId, this.keepPerStation);
    return this.s.byId.get(id) as SecurityEvent;
  }

  list(filter: SecurityEventFilter): { items: SecurityEvent[]; total: number } {
    const where = new Where()
      .when(filter.stationId, 'station_id = ?')
      .when(filter.type, 'type = ?')
      .when(filter.source, 'source = ?')
      .when(filter.from, 'timestamp >= ?')
      .when(filter.to, 'timestamp < ?');
    return pagedList<SecurityEvent>(this.db, { from: 'security_events', columns, where, orderBy: 'timestamp DESC, id DESC', limit: filter.limit, offset: filter.offset });
  }

}
