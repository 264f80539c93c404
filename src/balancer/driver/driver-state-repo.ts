import type { Db } from '../../storage/database.ts';
import type { BalancerMemory } from '../core/index.ts';

/** The driver's state that survives a restart (migration 017); everything else is re-derived on reconnect. */
export interface DriverState {
  memory: BalancerMemory | undefined;
  /** Session energy (kWh) when an EV reported its needs, by `transactionId@reportedAt`. */
  needsBaseline: Record<string, number>;
}

export class DriverStateRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      load: db.prepare('SELECT state FROM balancer_state WHERE id = 1'),
      save: db.prepare(`INSERT INTO balancer_state (id, state, saved_at) VALUES (1, ?, ?)
        ON CONFLICT (id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at`),
    };
  }

  load(): DriverState | undefined {
    const row = this.s.load.get() as { state: string } | undefined;
    if (!row) return undefined;
    try {
      const parsed = JSON.parse(row.state) as Partial<DriverState>;
      return { memory: parsed.memory, needsBaseline: parsed.needsBaseline ?? {} };
    } catch {
      return undefined;
    }
  }

  save(state: DriverState, at: number): void {
    this.s.save.run(JSON.stringify(state), new Date(at).toISOString());
  }
}
