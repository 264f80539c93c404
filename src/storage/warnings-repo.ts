import type { Db } from './database.ts';

export interface StationWarning {
  id: number;
  stationId: string;
  at: string;
  kind: string;
  message: string;
}

const KEEP_PER_STATION = 200;

/** Things a station did that Ampyard tolerated or corrected (quirks, reconciliations); the newest are kept. */
export class WarningsRepo {
  private readonly insert;
  private readonly trim;
  private readonly list;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO station_warnings (station_id, at, kind, message) VALUES (?, ?, ?, ?)');
    this.trim = db.prepare(`DELETE FROM station_warnings WHERE station_id = ? AND id <= (
      SELECT id FROM station_warnings WHERE station_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`);
    this.list = db.prepare(`SELECT id, station_id AS stationId, at, kind, message FROM station_warnings
      WHERE station_id = ? ORDER BY id DESC LIMIT ?`);
  }

  add(stationId: string, kind: string, message: string, at: string): void {
    this.insert.run(stationId, at, kind, message);
    this.trim.run(stationId, stationId, KEEP_PER_STATION);
  }

  forStation(stationId: string, limit: number): StationWarning[] {
    return this.list.all(stationId, limit) as StationWarning[];
  }
}
