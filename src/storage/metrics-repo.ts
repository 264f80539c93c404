import type { Db } from './database.ts';

/** Counts read at each metrics scrape; each is an index lookup or a scan of a small table. */
export class MetricsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      registrations: db.prepare('SELECT registration, COUNT(*) AS n FROM stations GROUP BY registration'),
      activeTransactions: db.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE status = 'active'`),
    };
  }

  stationsByRegistration(): Map<string, number> {
    return new Map((this.s.registrations.all() as { registration: string; n: number }[]).map((r) => [r.registration, r.n]));
  }

  activeTransactions(): number {
    return (this.s.activeTransactions.get() as { n: number }).n;
  }
}
