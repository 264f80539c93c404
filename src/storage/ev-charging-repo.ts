import type { EvChargingNeeds, EvChargingSchedule } from '../domain/ev-charging.ts';
import type { Db } from './database.ts';

type Table = 'ev_charging_needs' | 'ev_charging_schedules';

/** The latest charging needs and EV-chosen schedule per EVSE; each kept as JSON. */
export class EvChargingRepo {
  private readonly s;

  constructor(db: Db) {
    const statements = (table: Table) => ({
      upsert: db.prepare(`INSERT INTO ${table} (station_id, evse_id, transaction_id, data, reported_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (station_id, evse_id) DO UPDATE SET transaction_id = excluded.transaction_id, data = excluded.data, reported_at = excluded.reported_at`),
      list: db.prepare(`SELECT data FROM ${table} WHERE station_id = ? ORDER BY evse_id`),
      ofTransaction: db.prepare(`SELECT station_id AS stationId, evse_id AS evseId FROM ${table} WHERE transaction_id = ?`),
      removeTransaction: db.prepare(`DELETE FROM ${table} WHERE transaction_id = ?`),
    });
    this.s = { needs: statements('ev_charging_needs'), schedules: statements('ev_charging_schedules') };
  }

  saveNeeds(needs: EvChargingNeeds): void {
    this.s.needs.upsert.run(needs.stationId, needs.evseId, needs.transactionId, JSON.stringify(needs), needs.reportedAt);
  }

  saveSchedule(schedule: EvChargingSchedule): void {
    this.s.schedules.upsert.run(schedule.stationId, schedule.evseId, schedule.transactionId, JSON.stringify(schedule), schedule.reportedAt);
  }

  needs(stationId: string): EvChargingNeeds[] {
    return (this.s.needs.list.all(stationId) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as EvChargingNeeds);
  }

  schedules(stationId: string): EvChargingSchedule[] {
    return (this.s.schedules.list.all(stationId) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as EvChargingSchedule);
  }

  /** Forgets what belonged to a transaction; returns the EVSEs whose needs went. */
  removeTransaction(transactionId: number): Array<{ stationId: string; evseId: number }> {
    const needs = this.s.needs.ofTransaction.all(transactionId) as Array<{ stationId: string; evseId: number }>;
    this.s.needs.removeTransaction.run(transactionId);
    this.s.schedules.removeTransaction.run(transactionId);
    return needs;
  }
}
