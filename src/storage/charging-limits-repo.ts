import type { ChargingLimit } from '../domain/charging-limits.ts';
import type { Db } from './database.ts';

/** External charging limits in force, one per station, EVSE and source. */
export class ChargingLimitsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      upsert: db.prepare(`INSERT INTO charging_limits (station_id, evse_id, source, data, reported_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (station_id, evse_id, source) DO UPDATE SET data = excluded.data, reported_at = excluded.reported_at`),
      ofSource: db.prepare('SELECT data FROM charging_limits WHERE station_id = ? AND source = ? ORDER BY evse_id'),
      remove: db.prepare('DELETE FROM charging_limits WHERE station_id = ? AND evse_id = ? AND source = ?'),
      list: db.prepare('SELECT data FROM charging_limits WHERE station_id = ? ORDER BY evse_id, source'),
    };
  }

  upsert(limit: ChargingLimit): void {
    this.s.upsert.run(limit.stationId, limit.evseId, limit.source, JSON.stringify(limit), limit.reportedAt);
  }

  /** Removes the limits of `source` on one EVSE, or on every EVSE when `evseId` is null; returns them. */
  remove(stationId: string, source: string, evseId: number | null): ChargingLimit[] {
    const removed = (this.s.ofSource.all(stationId, source) as Array<{ data: string }>)
      .map((row) => JSON.parse(row.data) as ChargingLimit)
      .filter((limit) => evseId === null || limit.evseId === evseId);
    for (const limit of removed) this.s.remove.run(stationId, limit.evseId, source);
    return removed;
  }

  list(stationId: string): ChargingLimit[] {
    return (this.s.list.all(stationId) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as ChargingLimit);
  }
}
