import initial from './001-initial.ts';
import transactions from './002-transactions.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Forward-only and append-only: a released migration is never edited, a new one is added. */
export const migrations: Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'transactions', sql: transactions },
];
