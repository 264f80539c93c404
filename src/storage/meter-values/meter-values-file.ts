import { join } from 'node:path';
import type { Db } from '../database.ts';

// Meter values live in a database file of their own, written by the meter-value thread (MeterValuesWriter
// there), so that storing them (most of what chargers send) costs the event loop a message, not an SQLite
// insert and a share of every commit. The appliance's connection attaches the file as `meter`; the table keeps
// its name, so queries that join it with sessions read it as before.

export const METER_VALUES_FILE = 'meter-values.sqlite';
export const METER_SCHEMA = 'meter';
/**
 * When the WAL starts over (made to about this size under steady load, see meter-checkpoints.ts), a file grown
 * larger by a burst is cut back to this. It is not cut back further: regrowing it would allocate disk blocks
 * again, which the writer's fsyncs would then wait for.
 */
export const METER_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

export function meterValuesFile(dataDir: string): string {
  return join(dataDir, METER_VALUES_FILE);
}

/** The table as every schema version since 2 has had it (and as backups carry it). */
export const METER_VALUES_TABLE = `CREATE TABLE IF NOT EXISTS meter_values (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  evse_id INTEGER NOT NULL,
  transaction_id INTEGER,
  timestamp TEXT NOT NULL,
  measurand TEXT NOT NULL,
  phase TEXT,
  location TEXT,
  context TEXT,
  unit TEXT,
  value REAL,
  raw_value TEXT NOT NULL,
  raw_unit TEXT,
  signed_data TEXT
)`;

/** The table with the indexes of migrations 016 and 019 (see there for why these two), in `schema` ('' for main). */
const meterValuesSchema = (schema: string) => {
  const prefix = schema ? `${schema}.` : '';
  return `${METER_VALUES_TABLE.replace('meter_values', `${prefix}meter_values`)};
CREATE INDEX IF NOT EXISTS ${prefix}meter_values_by_station ON meter_values (station_id, evse_id, timestamp, transaction_id);
CREATE INDEX IF NOT EXISTS ${prefix}meter_values_live ON meter_values (transaction_id, timestamp)
  WHERE transaction_id IS NOT NULL AND value IS NOT NULL AND measurand IN ('Current.Import', 'Power.Active.Import', 'SoC');`;
};

const COLUMNS = 'id, station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, value, raw_value, raw_unit, signed_data';

/**
 * Attaches the meter-value file to the appliance's connection (creating it with its schema if needed). Before
 * the migrations: until moveMeterValuesOut has run, `meter_values` still names the main database's table.
 */
export function attachMeterValues(db: Db, dataDir: string, pageSize: number): void {
  db.prepare(`ATTACH DATABASE ? AS ${METER_SCHEMA}`).run(meterValuesFile(dataDir));
  db.pragma(`${METER_SCHEMA}.page_size = ${pageSize}`);
  db.pragma(`${METER_SCHEMA}.journal_mode = WAL`);
  // Only the meter-value thread writes here in the appliance; when this connection does (tools, tests), each
  // COMMIT syncs the file itself.
  db.pragma(`${METER_SCHEMA}.synchronous = FULL`);
  db.exec(meterValuesSchema(METER_SCHEMA));
}

function hasMainTable(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'meter_values'`).get() !== undefined;
}

/**
 * Moves meter values still in the main database (one upgraded from schema 19 or older, or a restored backup,
 * which carries them in one file) into the attached meter-value file. Before the move commits, nothing else
 * writes that file, so a move cut short by a crash is simply done again from the start.
 * Returns the number of rows moved, or null when there was nothing to move.
 */
export function moveMeterValuesOut(db: Db): number | null {
  if (!hasMainTable(db)) return null;
  let moved = 0;
  db.transaction(() => {
    db.exec(`DELETE FROM ${METER_SCHEMA}.meter_values`);
    // Rows in id order, indexes built once afterwards by sorting: ~5x faster than adding each row to them.
    db.exec(`DROP INDEX ${METER_SCHEMA}.meter_values_by_station; DROP INDEX ${METER_SCHEMA}.meter_values_live`);
    moved = db.prepare(`INSERT INTO ${METER_SCHEMA}.meter_values (${COLUMNS}) SELECT ${COLUMNS} FROM main.meter_values ORDER BY id`).run().changes;
    db.exec(meterValuesSchema(METER_SCHEMA));
    db.exec('DROP TABLE main.meter_values');
  })();
  return moved;
}

/**
 * Copies the meter values into `target` (a backup being written, attached to nothing): the rows up to the
 * newest id when the copy began, `chunkRows` at a time, `pause` between chunks. Rows are only ever appended,
 * so copying by id gives the same set as one snapshot would.
 */
export async function copyMeterValuesInto(target: Db, sourceFile: string, options: { chunkRows?: number; pause?: () => Promise<void> } = {}): Promise<number> {
  const chunk = options.chunkRows ?? 20_000;
  target.exec(METER_VALUES_TABLE);
  target.prepare('ATTACH DATABASE ? AS source').run(sourceFile);
  try {
    const newest = (target.prepare('SELECT MAX(id) FROM source.meter_values').pluck().get() as number | null) ?? 0;
    const copy = target.prepare(`INSERT INTO main.meter_values (${COLUMNS}) SELECT ${COLUMNS} FROM source.meter_values WHERE id > ? AND id <= ?`);
    let copied = 0;
    for (let from = 0; from < newest; from += chunk) {
      copied += copy.run(from, Math.min(from + chunk, newest)).changes;
      if (options.pause) await options.pause();
    }
    return copied;
  } finally {
    target.exec('DETACH DATABASE source');
  }
}

/**
 * The meter-value thread's page cache. A larger one is slower, not faster: scripts/bench/meter-insert.ts (10,000
 * EVSEs, 1.5 million values stored before measuring) took 23-24 µs of CPU per value with 48 MB and 19-20 µs with
 * 8 MB (15 µs with SQLite's default 2 MB on a smaller file); the pages it no longer holds are read back from the
 * OS's cache. 8 MB keeps the index's upper levels and the busiest leaves, for a disk slower than this one.
 */
const WRITER_CACHE_KIB = 8 * 1024;

/** Opens the meter-value file for the meter-value thread, the one that writes it. */
export function prepareWriterConnection(db: Db): void {
  db.pragma('journal_mode = WAL');
  // Each COMMIT fsyncs the WAL: the worker acknowledges a batch only once it is durable.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = ${-WRITER_CACHE_KIB}`);
  db.pragma(`journal_size_limit = ${METER_WAL_LIMIT_BYTES}`);
  db.exec(meterValuesSchema(''));
}
