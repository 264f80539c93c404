import type { Db } from './database.ts';

export interface LatestSample {
  measurand: string;
  phase: string | null;
  location: string | null;
  value: number;
  timestamp: string;
}

/** The measurands read here; the partial index meter_values_live (migration 016) lists the same, in this order. */
export const LIVE_MEASURANDS: readonly string[] = ['Current.Import', 'Power.Active.Import', 'SoC'];

/** The newest meter values of a running transaction that the load balancer reads: currents per phase, power, SoC. */
export class LiveReadingsRepo {
  private readonly s;
  private readonly mayHaveReadings: (transactionId: number) => boolean;

  /** `mayHaveReadings`: false for a session known to have none stored, which saves the query. */
  constructor(db: Db, mayHaveReadings: (transactionId: number) => boolean = () => true) {
    this.mayHaveReadings = mayHaveReadings;
    this.s = {
      // This WHERE is the partial index meter_values_live's (migration 016): keep the two the same.
      latest: db.prepare(`SELECT measurand, phase, location, value, timestamp FROM meter_values
        WHERE transaction_id = ? AND value IS NOT NULL AND measurand IN (${LIVE_MEASURANDS.map((m) => `'${m}'`).join(', ')})
        ORDER BY timestamp DESC, id DESC LIMIT 24`),
    };
  }

  /** Up to the 24 newest current, power and SoC samples of a transaction, newest first. */
  latest(transactionId: number): LatestSample[] {
    if (!this.mayHaveReadings(transactionId)) return [];
    return this.s.latest.all(transactionId) as LatestSample[];
  }
}
