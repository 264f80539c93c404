import { dirname } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openSqlite, type Db } from './database.ts';
import { AFTER_EVERY_TIMESTAMP, METER_BUCKET_ROWS, METER_SCHEMA, meterBucketsBetween, meterValuesFile } from './meter-values/meter-values-file.ts';
import { Where } from './paged-query.ts';

export interface SessionExportFilter {
  stationIds?: string[];
  idToken?: string;
  status?: 'active' | 'ended';
  /** Sessions that started at or after `from` and before `to`. */
  from?: string;
  to?: string;
}

export interface MeterExportFilter {
  stationIds?: string[];
  evseId?: number;
  transactionId?: number;
  /** Samples of the sessions of this id token. */
  idToken?: string;
  /** Samples taken at or after `from` and before `to`. */
  from?: string;
  to?: string;
}

/** Rows of one export, read as arrays in the order of the SELECT's columns. */
export interface RowCursor {
  /** Up to `max` more rows; fewer (possibly none) at the end, after which the cursor is closed. */
  next(max: number): unknown[][];
  close(): void;
  readonly done: boolean;
}

// Ordered so that SQLite reads in index or table order and sorts nothing before the first row is sent.
const sessionSelect = `SELECT id, station_id, evse_id, connector_id, station_tx_id, status, started_at, ended_at,
  CASE WHEN ended_at IS NULL THEN NULL ELSE CAST(ROUND((julianday(ended_at) - julianday(started_at)) * 86400) AS INTEGER) END,
  id_token, id_token_type, group_id, auth_status, stop_id_token, reservation_id, meter_start_wh, meter_stop_wh, energy_wh,
  stop_reason, ended_by, offline FROM transactions`;

const meterSelect = `SELECT id, station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, value,
  raw_value, raw_unit, signed_data FROM meter_values`;

/**
 * Streams large exports. Each export reads through its own read-only connection: its one SELECT sees a
 * consistent snapshot for as long as the download takes (WAL), and the appliance's connection stays free
 * for chargers' writes between the chunks, while the HTTP client is slow.
 */
export class ExportsRepo {
  private readonly file: string;
  private readonly dataDir: string;

  constructor(db: Db) {
    this.file = db.name;
    this.dataDir = dirname(db.name);
  }

  sessions(filter: SessionExportFilter): RowCursor {
    const where = new Where()
      .in('station_id', filter.stationIds)
      .if(filter.idToken !== undefined, 'id_token = ? COLLATE NOCASE', filter.idToken)
      .when(filter.status, 'status = ?')
      .when(filter.from, 'started_at >= ?')
      .when(filter.to, 'started_at < ?');
    return this.open(`${sessionSelect} ${where} ORDER BY started_at, id`, where.args);
  }

  meterValues(filter: MeterExportFilter): RowCursor {
    const where = new Where()
      .in('station_id', filter.stationIds)
      .if(filter.evseId !== undefined, 'evse_id = ?', filter.evseId)
      .if(filter.transactionId !== undefined, 'transaction_id = ?', filter.transactionId)
      .if(filter.idToken !== undefined, 'transaction_id IN (SELECT id FROM transactions WHERE id_token = ? COLLATE NOCASE)', filter.idToken)
      .when(filter.from, 'timestamp >= ?')
      .when(filter.to, 'timestamp < ?')
      // A time filter reads only the runs of ids whose samples may fall within it (see meter-values-file.ts).
      .if(filter.from !== undefined || filter.to !== undefined, `id BETWEEN
        (SELECT MIN(bucket) FROM (${meterBucketsBetween('?', '?')})) * ${METER_BUCKET_ROWS} AND
        (SELECT MAX(bucket) FROM (${meterBucketsBetween('?', '?')})) * ${METER_BUCKET_ROWS} + ${METER_BUCKET_ROWS - 1}`,
        filter.from ?? '', filter.to ?? AFTER_EVERY_TIMESTAMP, filter.from ?? '', filter.to ?? AFTER_EVERY_TIMESTAMP);
    // In storage order (the order they were received in), by id: one sequential pass over the table, which
    // sends the first rows at once; ordering by station or time would sort them all first, on the event loop.
    return this.open(`${meterSelect} ${where} ORDER BY id`, where.args);
  }

  private open(sql: string, args: unknown[]): RowCursor {
    const db = openSqlite(this.file, this.dataDir, { readonly: true, fileMustExist: true });
    let rows: IterableIterator<unknown[]>;
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare(`ATTACH DATABASE ? AS ${METER_SCHEMA}`).run(meterValuesFile(this.dataDir));
      rows = (db.prepare(sql) as Statement<unknown[], unknown[]>).raw(true).iterate(...args);
    } catch (error) {
      db.close();
      throw error;
    }
    let done = false;
    const close = () => {
      if (!db.open) return;
      done = true;
      rows.return?.();
      db.close();
    };
    return {
      get done() {
        return done;
      },
      next(max) {
        const chunk: unknown[][] = [];
        if (done) return chunk;
        try {
          while (chunk.length < max) {
            const step = rows.next();
            if (step.done) {
              close();
              break;
            }
            chunk.push(step.value);
          }
        } catch (error) {
          close();
          throw error;
        }
        return chunk;
      },
      close,
    };
  }
}
