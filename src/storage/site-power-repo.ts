import type { LiveFigures } from './live-figures.ts';
import type { Db } from './database.ts';

/** One minute of site power: averages of the samples taken in it, the peak, and the lowest grid limit in force. */
export interface SitePowerMinute {
  /** Start of the minute, seconds since the epoch. */
  minute: number;
  samples: number;
  powerW: number;
  powerMaxW: number;
  /** Average current per grid phase. */
  phaseA: [number, number, number];
  limitW: number | null;
  /** Lowest per-phase limit. */
  limitA: number | null;
  buildingW: number | null;
}

/** Site power over a time range in buckets of `step` seconds, column by column (a bucket without rows is left out). */
export interface SitePowerSeries {
  t: number[];
  powerW: number[];
  powerMaxW: number[];
  limitW: (number | null)[];
  buildingW: (number | null)[];
  l1A: number[];
  l2A: number[];
  l3A: number[];
}

export interface ActiveSession {
  id: number;
  stationId: string;
  evseId: number;
  lastPowerW: number | null;
  lastSampleAt: string | null;
}

interface BucketRow {
  t: number;
  powerW: number;
  powerMaxW: number;
  limitW: number | null;
  buildingW: number | null;
  l1A: number;
  l2A: number;
  l3A: number;
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** `site_power_history`: one row per minute, written by the site power recorder, read by the dashboard's chart. */
export class SitePowerRepo {
  private readonly s;

  private readonly live: LiveFigures | undefined;

  /** `live`: the running sessions' newest figures, which their rows may not hold yet (the transactions repo's). */
  constructor(db: Db, live?: LiveFigures) {
    this.live = live;
    this.s = {
      upsert: db.prepare(`INSERT OR REPLACE INTO site_power_history
        (minute, samples, power_w, power_max_w, l1_a, l2_a, l3_a, limit_w, limit_a, building_w) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      buckets: db.prepare(`SELECT (minute / @step) * @step AS t, AVG(power_w) AS powerW, MAX(power_max_w) AS powerMaxW, MIN(limit_w) AS limitW,
        AVG(building_w) AS buildingW, AVG(l1_a) AS l1A, AVG(l2_a) AS l2A, AVG(l3_a) AS l3A
        FROM site_power_history WHERE minute >= @from AND minute < @to GROUP BY minute / @step ORDER BY t`),
      prune: db.prepare('DELETE FROM site_power_history WHERE minute < ?'),
      // The literal 'active' lets SQLite use the partial index transactions_active (a bound value would not).
      active: db.prepare(`SELECT id, station_id AS stationId, evse_id AS evseId, last_power_w AS lastPowerW, last_sample_at AS lastSampleAt
        FROM transactions WHERE status = 'active'`),
    };
  }

  /** Inside the write queue (a minute written again replaces the row). */
  put(rows: SitePowerMinute[]): void {
    for (const r of rows) this.s.upsert.run(r.minute, r.samples, r.powerW, r.powerMaxW, r.phaseA[0], r.phaseA[1], r.phaseA[2], r.limitW, r.limitA, r.buildingW);
  }

  /** Minutes in [from, to) (seconds), averaged per `step` seconds (a multiple of 60). */
  series(from: number, to: number, step: number): SitePowerSeries {
    const rows = this.s.buckets.all({ from, to, step }) as BucketRow[];
    return {
      t: rows.map((r) => r.t),
      powerW: rows.map((r) => round(r.powerW)!),
      powerMaxW: rows.map((r) => round(r.powerMaxW)!),
      limitW: rows.map((r) => round(r.limitW)),
      buildingW: rows.map((r) => round(r.buildingW)),
      l1A: rows.map((r) => round(r.l1A)!),
      l2A: rows.map((r) => round(r.l2A)!),
      l3A: rows.map((r) => round(r.l3A)!),
    };
  }

  /** The running sessions, whose draw makes up the chargers' share of site power. */
  activeSessions(): ActiveSession[] {
    const rows = this.s.active.all() as ActiveSession[];
    return this.live ? rows.map((row) => this.live!.apply(row)) : rows;
  }

  /** Inside the write queue: drops the minutes before `minute`; returns how many. */
  pruneBefore(minute: number): number {
    return this.s.prune.run(minute).changes;
  }
}
