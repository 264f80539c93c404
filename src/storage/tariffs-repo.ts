import type { Tariff, TariffInput, TransactionCost } from '../domain/tariff.ts';
import type { Db } from './database.ts';

const columns = `id, NULLIF(group_id, '') AS groupId, name, currency, price_per_kwh AS pricePerKwh, price_per_hour AS pricePerHour,
  session_fee AS sessionFee, message, created_at AS createdAt, updated_at AS updatedAt`;

type CostRow = Omit<TransactionCost, 'tariff' | 'final'> & { tariff: string; final: number };

export class TariffsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO tariffs (group_id, name, currency, price_per_kwh, price_per_hour, session_fee, message, created_at, updated_at)
        VALUES (@groupId, @name, @currency, @pricePerKwh, @pricePerHour, @sessionFee, @message, @at, @at)`),
      update: db.prepare(`UPDATE tariffs SET group_id = @groupId, name = @name, currency = @currency, price_per_kwh = @pricePerKwh,
        price_per_hour = @pricePerHour, session_fee = @sessionFee, message = @message, updated_at = @at WHERE id = @id`),
      remove: db.prepare('DELETE FROM tariffs WHERE id = ?'),
      byId: db.prepare(`SELECT ${columns} FROM tariffs WHERE id = ?`),
      byGroup: db.prepare(`SELECT ${columns} FROM tariffs WHERE group_id = ?`),
      list: db.prepare(`SELECT ${columns} FROM tariffs ORDER BY group_id <> '', group_id`),
      cost: db.prepare(`SELECT transaction_id AS transactionId, tariff, currency, total_cost AS totalCost, energy_wh AS energyWh,
          duration_seconds AS durationSeconds, final, computed_at AS computedAt, sent_at AS sentAt, sent_cost AS sentCost
        FROM transaction_costs WHERE transaction_id = ?`),
      // A final cost is never recomputed: it is what the station was told.
      saveCost: db.prepare(`INSERT INTO transaction_costs (transaction_id, tariff, currency, total_cost, energy_wh, duration_seconds, final, computed_at)
          VALUES (@transactionId, @tariff, @currency, @totalCost, @energyWh, @durationSeconds, @final, @computedAt)
        ON CONFLICT DO UPDATE SET tariff = excluded.tariff, currency = excluded.currency, total_cost = excluded.total_cost, energy_wh = excluded.energy_wh,
          duration_seconds = excluded.duration_seconds, final = excluded.final, computed_at = excluded.computed_at WHERE final = 0`),
      sent: db.prepare('UPDATE transaction_costs SET sent_at = ?, sent_cost = ? WHERE transaction_id = ?'),
    };
  }

  insert(input: TariffInput, at: string): number {
    return Number(this.s.insert.run({ ...input, groupId: input.groupId ?? '', at }).lastInsertRowid);
  }

  update(id: number, input: TariffInput, at: string): void {
    this.s.update.run({ ...input, groupId: input.groupId ?? '', id, at });
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }

  get(id: number): Tariff | undefined {
    return this.s.byId.get(id) as Tariff | undefined;
  }

  /** The tariff of a group (case-insensitive); null is the site default. */
  byGroup(groupId: string | null): Tariff | undefined {
    return this.s.byGroup.get(groupId ?? '') as Tariff | undefined;
  }

  list(): Tariff[] {
    return this.s.list.all() as Tariff[];
  }

  cost(transactionId: number): TransactionCost | undefined {
    const row = this.s.cost.get(transactionId) as CostRow | undefined;
    return row ? { ...row, tariff: JSON.parse(row.tariff) as Tariff, final: row.final === 1 } : undefined;
  }

  saveCost(cost: TransactionCost): void {
    this.s.saveCost.run({ ...cost, tariff: JSON.stringify(cost.tariff), final: cost.final ? 1 : 0 });
  }

  costSent(transactionId: number, at: string, totalCost: number): void {
    this.s.sent.run(at, totalCost, transactionId);
  }
}
