import type { NewStationEvent, StationEvent } from '../domain/station-event.ts';
import type { Db } from './database.ts';

const columns = `id, station_id AS stationId, event_id AS eventId, timestamp, trigger, cause, actual_value AS actualValue, tech_code AS techCode,
  tech_info AS techInfo, cleared, transaction_id AS transactionId, component, component_instance AS componentInstance, evse_id AS evseId,
  connector_id AS connectorId, variable, variable_instance AS variableInstance, variable_monitoring_id AS variableMonitoringId,
  event_notification_type AS eventNotificationType, severity, generated_at AS generatedAt, seq_no AS seqNo, received_at AS receivedAt,
  alarm, cleared_at AS clearedAt, cleared_by AS clearedBy`;

type Row = Omit<StationEvent, 'cleared'> & { cleared: number | null };
const toEvent = (row: Row): StationEvent => ({ ...row, cleared: row.cleared === null ? null : row.cleared === 1 });

export interface AlarmFilter {
  stationId?: string;
  active?: boolean;
  limit: number;
  offset: number;
}

export class StationEventsRepo {
  private readonly db: Db;
  private readonly keepPerStation: number;
  private readonly s;

  /** A station flooding events must not fill the disk: the newest `keepPerStation` are kept, and every active alarm. */
  constructor(db: Db, keepPerStation = 20_000) {
    this.db = db;
    this.keepPerStation = keepPerStation;
    this.s = {
      insert: db.prepare(`INSERT INTO station_events (station_id, event_id, timestamp, trigger, cause, actual_value, tech_code, tech_info, cleared,
          transaction_id, component, component_instance, evse_id, connector_id, variable, variable_instance, variable_monitoring_id,
          event_notification_type, severity, generated_at, seq_no, received_at, alarm_key, alarm)
        VALUES (@stationId, @eventId, @timestamp, @trigger, @cause, @actualValue, @techCode, @techInfo, @cleared, @transactionId, @component,
          @componentInstance, @evseId, @connectorId, @variable, @variableInstance, @variableMonitoringId, @eventNotificationType, @severity,
          @generatedAt, @seqNo, @receivedAt, @alarmKey, @alarm)
        ON CONFLICT (station_id, event_id, timestamp) DO NOTHING`),
      byId: db.prepare(`SELECT ${columns} FROM station_events WHERE id = ?`),
      activeByKey: db.prepare(`SELECT ${columns} FROM station_events WHERE station_id = ? AND alarm_key = ? AND alarm = 'active' AND id <> ?`),
      clear: db.prepare(`UPDATE station_events SET alarm = 'cleared', cleared_at = ?, cleared_by = ? WHERE id = ? AND alarm = 'active'`),
      forStation: db.prepare(`SELECT ${columns} FROM station_events WHERE station_id = ? AND id < ? ORDER BY id DESC LIMIT ?`),
      trim: db.prepare(`DELETE FROM station_events WHERE station_id = ? AND alarm IS NOT 'active' AND id IN (
        SELECT id FROM station_events WHERE station_id = ? ORDER BY id DESC LIMIT -1 OFFSET ?)`),
    };
  }

  /** Stores an event; undefined when the station sent it before (same eventId and timestamp). */
  insert(event: NewStationEvent, alarmKey: string, raisesAlarm: boolean): StationEvent | undefined {
    const result = this.s.insert.run({
      ...event,
      cleared: event.cleared === null ? null : event.cleared ? 1 : 0,
      alarmKey,
      alarm: raisesAlarm ? 'active' : null,
    });
    return result.changes === 0 ? undefined : this.get(Number(result.lastInsertRowid));
  }

  get(id: number): StationEvent | undefined {
    const row = this.s.byId.get(id) as Row | undefined;
    return row ? toEvent(row) : undefined;
  }

  /** Clears the active alarms of a key (except `exceptId`); returns them as cleared. */
  clearKey(stationId: string, alarmKey: string, at: string, by: string, exceptId = -1): StationEvent[] {
    const open = (this.s.activeByKey.all(stationId, alarmKey, exceptId) as Row[]).map(toEvent);
    for (const alarm of open) this.s.clear.run(at, by, alarm.id);
    return open.map((a) => this.get(a.id)!);
  }

  clear(id: number, at: string, by: string): boolean {
    return this.s.clear.run(at, by, id).changes > 0;
  }

  trim(stationId: string): void {
    this.s.trim.run(stationId, stationId, this.keepPerStation);
  }

  forStation(stationId: string, limit: number, beforeId: number): StationEvent[] {
    return (this.s.forStation.all(stationId, beforeId, limit) as Row[]).map(toEvent);
  }

  alarms(filter: AlarmFilter): { items: StationEvent[]; total: number } {
    const where = ['alarm IS NOT NULL'];
    const args: unknown[] = [];
    if (filter.stationId) {
      where.push('station_id = ?');
      args.push(filter.stationId);
    }
    if (filter.active !== undefined) where.push(filter.active ? `alarm = 'active'` : `alarm = 'cleared'`);
    const clause = `WHERE ${where.join(' AND ')}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM station_events ${clause}`).get(...args) as { n: number }).n;
    const items = (this.db.prepare(`SELECT ${columns} FROM station_events ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as Row[]).map(toEvent);
    return { items, total };
  }
}
