import type { Db } from '../storage/database.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export interface ConfigurationEntry {
  key: string;
  value: string | null;
  readonly: boolean;
  fetchedAt: string;
}

/** The configuration keys last read from each station (1.6 GetConfiguration), kept for the UI and API. */
export class StationConfiguration {
  private readonly writes: WriteQueue;
  private readonly s;

  constructor(db: Db, writes: WriteQueue) {
    this.writes = writes;
    this.s = {
      clear: db.prepare('DELETE FROM station_configuration WHERE station_id = ?'),
      upsert: db.prepare(`INSERT INTO station_configuration (station_id, key, value, readonly, fetched_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (station_id, key) DO UPDATE SET value = excluded.value, readonly = excluded.readonly, fetched_at = excluded.fetched_at`),
      setValue: db.prepare('UPDATE station_configuration SET value = ?, fetched_at = ? WHERE station_id = ? AND key = ?'),
      list: db.prepare(`SELECT key, value, readonly, fetched_at AS fetchedAt FROM station_configuration WHERE station_id = ? ORDER BY key`),
    };
  }

  /** Stores what the station reported; a full read (no keys asked) replaces everything known. */
  store(stationId: string, entries: Array<{ key: string; value: string | null; readonly: boolean }>, complete: boolean): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      if (complete) this.s.clear.run(stationId);
      // AuthorizationKey is write-only; a station that reports it anyway must not put the password in the database.
      for (const e of entries) this.s.upsert.run(stationId, e.key, /^AuthorizationKey$/i.test(e.key) ? null : e.value, e.readonly ? 1 : 0, at);
    });
  }

  changed(stationId: string, key: string, value: string): Promise<void> {
    return this.writes.run(() => {
      this.s.setValue.run(value, new Date().toISOString(), stationId, key);
    });
  }

  list(stationId: string): ConfigurationEntry[] {
    return (this.s.list.all(stationId) as Array<Omit<ConfigurationEntry, 'readonly'> & { readonly: number }>).map((r) => ({ ...r, readonly: r.readonly === 1 }));
  }
}
