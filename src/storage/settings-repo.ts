import type { Db } from './database.ts';

/** Key/value settings the operator changes at run time (stored as JSON). */
export class SettingsRepo {
  private readonly get_;
  private readonly set_;

  constructor(db: Db) {
    this.get_ = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.set_ = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  get<T>(key: string): T | undefined {
    const row = this.get_.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.set_.run(key, JSON.stringify(value));
  }
}
