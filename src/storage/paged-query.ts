import type { Db } from './database.ts';

/** A WHERE clause from optional filters; values always travel as parameters, never inside the SQL. */
export class Where {
  private readonly clauses: string[] = [];
  readonly args: unknown[] = [];

  /** Adds `clause` (with one `?` per value) when the first value is given (not undefined, null or ''). */
  when(value: unknown, clause: string, ...values: unknown[]): this {
    return this.if(value !== undefined && value !== null && value !== '', clause, ...(values.length ? values : [value]));
  }

  /** Adds `clause` with its values when `condition` holds. */
  if(condition: boolean, clause: string, ...values: unknown[]): this {
    if (!condition) return this;
    this.clauses.push(clause);
    this.args.push(...values);
    return this;
  }

  /** `station_id IN (?, ?, …)` for a non-empty list. */
  in(column: string, values: readonly unknown[] | undefined): this {
    return this.if(values !== undefined && values.length > 0, `${column} IN (${(values ?? []).map(() => '?').join(', ')})`, ...(values ?? []));
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** One page of rows plus the total count for the same filter, as the list routes return them. */
export function pagedList<T>(db: Db, query: { from: string; columns: string; where: Where; orderBy: string; limit: number; offset: number }): { items: T[]; total: number } {
  const { from, columns, where, orderBy, limit, offset } = query;
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${from} ${where}`).get(...where.args) as { n: number }).n;
  const items = db.prepare(`SELECT ${columns} FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(...where.args, limit, offset) as T[];
  return { items, total };
}
