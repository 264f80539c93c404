import type { Db } from '../storage/database.ts';

/** Columns that change with every connection or message and say nothing about stored data. */
const volatile: Record<string, string[]> = {
  stations: ['last_seen', 'connected_at', 'disconnected_at', 'remote_address', 'updated_at'],
  api_tokens: ['last_used_at'],
  users: ['last_login_at'],
  station_security: ['last_profile', 'last_credential', 'last_certificate_serial', 'last_address', 'last_host', 'last_authenticated_at', 'updated_at'],
};

/** Tables written on a timer whatever requests arrive (site power, every minute): never part of a snapshot. */
const recordedOverTime = ['site_power_history'];

/**
 * Every row of every table except the OCPP message log (and those recorded over time), as JSON text per table,
 * for "nothing changed" checks after hostile input.
 */
export function domainSnapshot(db: Db, skip: readonly string[] = ['ocpp_messages']): Record<string, string> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    if (skip.includes(table) || recordedOverTime.includes(table)) continue;
    const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
    for (const row of rows) for (const column of volatile[table] ?? []) delete row[column];
    out[table] = rows.map((row) => JSON.stringify(row)).sort().join('\n');
  }
  return out;
}

/** The tables whose contents differ between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]);
}
