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

/**
 * Meter values are found by station through an index on (bucket, station, EVSE, time, transaction), where a
 * bucket is a run of METER_BUCKET_ROWS consecutive ids (as the message log does, see storage-worker.ts). Indexed
 * by station first (older files were; prepareMeterSchema moves them over), each of thousands of EVSEs added its
 * entry at its own place, so every commit dirtied an index page per value: 1.7-2 WAL frames and two thirds of
 * the meter-value thread's CPU per value. Within the newest bucket the index is a few dozen pages that every commit reuses. Replaying the
 * benchmark's inserts (scripts/bench/meter-insert.ts, 10,000 EVSEs): 10.6 µs of CPU and 1.07 WAL frames per
 * value, against 16.3 µs and 1.72 frames indexed by station first. The price: a query by station seeks once per
 * bucket in its time range. Smaller buckets write less and seek more: with 2,048 rows 9.7 µs and 0.84 frames,
 * but reading a session's readings back (as closing a session forgotten over a restart does) took 2.1 ms
 * instead of 1.7 (0.7 before buckets) among 2 million rows of 5,000 EVSEs (scripts/bench/session-readback.ts);
 * with 8,192 rows 11.3 µs, 1.28 frames and 1.4 ms. A bucket holds ~100 s of a depot of 50 chargers sending
 * 40 values a second.
 *
 * meter_value_buckets keeps each bucket's earliest and latest sample time (a trigger, so every way of adding rows
 * keeps it true), which tells a query by time which buckets to look in: a late reading widens its bucket's range.
 */
export const METER_BUCKET_ROWS = 4096;
/**
 * meter_values row `m` lies in bucket `n` (a column of another table in the query), as the index can look it up:
 * the expression as indexed, and `+n`, since SQLite does not look up an indexed expression by a bare column.
 */
export const meterBucketIs = (m: string, n: string) => `${m}.id / ${METER_BUCKET_ROWS} = +${n}`;
/** Sorts after every ISO 8601 timestamp: the upper bound of a time range open at its end. */
export const AFTER_EVERY_TIMESTAMP = '~';
/** The buckets that may hold samples stamped from `from` to `to` (both included; SQL expressions or parameters). */
export const meterBucketsBetween = (from: string, to: string) => `SELECT bucket FROM meter_value_buckets WHERE max_ts >= ${from} AND min_ts <= ${to}`;

/** How the names of `schema` ('' for main) are written: `meter.` or nothing. */
const schemaPrefix = (schema: string) => (schema ? `${schema}.` : '');

/** The table, its indexes, and the buckets' time ranges, in `schema` ('' for main). */
const meterValuesSchema = (schema: string) => {
  const prefix = schemaPrefix(schema);
  return `${METER_VALUES_TABLE.replace('meter_values', `${prefix}meter_values`)};
CREATE TABLE IF NOT EXISTS ${prefix}meter_value_buckets (
  bucket INTEGER PRIMARY KEY,
  min_ts TEXT NOT NULL,
  max_ts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}meter_value_buckets_by_end ON meter_value_buckets (max_ts, min_ts);
CREATE TRIGGER IF NOT EXISTS ${prefix}meter_value_bucket_range AFTER INSERT ON meter_values BEGIN
  INSERT INTO meter_value_buckets (bucket, min_ts, max_ts) VALUES (NEW.id / ${METER_BUCKET_ROWS}, NEW.timestamp, NEW.timestamp)
    ON CONFLICT (bucket) DO UPDATE SET min_ts = MIN(min_ts, excluded.min_ts), max_ts = MAX(max_ts, excluded.max_ts)
    WHERE excluded.min_ts < min_ts OR excluded.max_ts > max_ts;
END;
CREATE INDEX IF NOT EXISTS ${prefix}meter_values_by_bucket ON meter_values (id / ${METER_BUCKET_ROWS}, station_id, evse_id, timestamp, transaction_id);
CREATE INDEX IF NOT EXISTS ${prefix}meter_values_live ON meter_values (transaction_id, timestamp)
  WHERE transaction_id IS NOT NULL AND value IS NOT NULL AND measurand IN ('Current.Import', 'Power.Active.Import', 'SoC');`;
};

/** Each bucket's time range from the rows themselves (after rows were added with the trigger absent). */
const fillBuckets = (schema: string) => {
  const prefix = schemaPrefix(schema);
  return `INSERT INTO ${prefix}meter_value_buckets (bucket, min_ts, max_ts)
  SELECT id / ${METER_BUCKET_ROWS}, MIN(timestamp), MAX(timestamp) FROM ${prefix}meter_values WHERE true GROUP BY 1 ORDER BY 1
  ON CONFLICT (bucket) DO UPDATE SET min_ts = MIN(min_ts, excluded.min_ts), max_ts = MAX(max_ts, excluded.max_ts)`;
};

/**
 * Creates what is missing of the schema, and moves a file indexed by station first (meter_values_by_station,
 * before the buckets) over to the buckets: one transaction, so that a file is either wholly the one or the other.
 */
function prepareMeterSchema(db: Db, schema: string, onReindex?: (rows: number) => void): void {
  const prefix = schemaPrefix(schema);
  const stationIndexed = db.prepare(`SELECT 1 FROM ${prefix}sqlite_master WHERE type = 'index' AND name = 'meter_values_by_station'`);
  if (stationIndexed.get() !== undefined) onReindex?.((db.prepare(`SELECT MAX(id) FROM ${prefix}meter_values`).pluck().get() as number | null) ?? 0);
  // IMMEDIATE: the appliance's connection and the meter-value thread's may both get here first.
  db.transaction(() => {
    const moveToBuckets = stationIndexed.get() !== undefined;
    db.exec(meterValuesSchema(schema));
    if (!moveToBuckets) return;
    db.exec(fillBuckets(schema));
    db.exec(`DROP INDEX IF EXISTS ${prefix}meter_values_by_station`);
  }).immediate();
}

const COLUMNS = 'id, station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, value, raw_value, raw_unit, signed_data';

/**
 * Attaches the meter-value file to the appliance's connection (creating it with its schema if needed). Before
 * the migrations: until moveMeterValuesOut has run, `meter_values` still names the main database's table.
 */
export function attachMeterValues(db: Db, dataDir: string, pageSize: number, onReindex?: (rows: number) => void): void {
  db.prepare(`ATTACH DATABASE ? AS ${METER_SCHEMA}`).run(meterValuesFile(dataDir));
  db.pragma(`${METER_SCHEMA}.page_size = ${pageSize}`);
  db.pragma(`${METER_SCHEMA}.journal_mode = WAL`);
  // Only the meter-value thread writes here in the appliance; when this connection does (tools, tests), each
  // COMMIT syncs the file itself.
  db.pragma(`${METER_SCHEMA}.synchronous = FULL`);
  prepareMeterSchema(db, METER_SCHEMA, onReindex);
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
    db.exec(`DELETE FROM ${METER_SCHEMA}.meter_values; DELETE FROM ${METER_SCHEMA}.meter_value_buckets`);
    // Rows in id order, indexes built once afterwards by sorting: ~5x faster than adding each row to them.
    db.exec(`DROP INDEX ${METER_SCHEMA}.meter_values_by_bucket; DROP INDEX ${METER_SCHEMA}.meter_values_live;
      DROP TRIGGER ${METER_SCHEMA}.meter_value_bucket_range`);
    moved = db.prepare(`INSERT INTO ${METER_SCHEMA}.meter_values (${COLUMNS}) SELECT ${COLUMNS} FROM main.meter_values ORDER BY id`).run().changes;
    db.exec(fillBuckets(METER_SCHEMA));
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
  prepareMeterSchema(db, '');
}
