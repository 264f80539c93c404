import { randomUUID } from 'node:crypto';
import { summariseRegister, type MeterSample, type RegisterSummary } from '../domain/meter.ts';
import type { Transaction, TransactionFilter } from '../domain/transaction.ts';
import type { Db } from './database.ts';
import { LiveFigures, type Figures as LiveRowFigures } from './live-figures.ts';
import { LIVE_MEASURANDS } from './live-readings-repo.ts';
import { AFTER_EVERY_TIMESTAMP, meterBucketIs, meterBucketsBetween } from './meter-values/meter-values-file.ts';
import { MeterValuesWriter } from './meter-values/meter-values-writer.ts';
import { SessionRegisters } from './session-registers.ts';
import { Where, pagedList } from './paged-query.ts';

const columns = `id, station_id AS stationId, evse_id AS evseId, connector_id AS connectorId, station_tx_id AS stationTxId,
  id_token AS idToken, id_token_type AS idTokenType, group_id AS groupId, auth_status AS authStatus,
  stop_id_token AS stopIdToken, reservation_id AS reservationId, status, started_at AS startedAt, ended_at AS endedAt,
  meter_start_wh AS meterStartWh, meter_stop_wh AS meterStopWh, energy_wh AS energyWh, last_meter_wh AS lastMeterWh,
  last_power_w AS lastPowerW, last_sample_at AS lastSampleAt, stop_reason AS stopReason, ended_by AS endedBy,
  charging_state AS chargingState, seq_no AS seqNo, offline, created_at AS createdAt, updated_at AS updatedAt`;

type Row = Omit<Transaction, 'offline'> & { offline: number };

/**
 * How far outside its start and end a session's samples are looked for (chargers' clocks drift). Finding them
 * scans the EVSE's index entries in that window, so it is kept short.
 */
const SESSION_MARGIN_MS = 3600_000;

function shifted(at: string, ms: number): string | null {
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : new Date(t + ms).toISOString();
}

/** The earliest stamp of a session's samples that is looked for. */
const windowStart = (startedAt: string) => shifted(startedAt, -SESSION_MARGIN_MS) ?? '';

/**
 * A session's samples: those of its station (on any EVSE) within the session's window, looked for in the buckets
 * (see meter-values-file.ts) whose samples' times overlap that window, one index seek per bucket.
 */
const SESSION_SAMPLES = `WITH bucket(n) AS (${meterBucketsBetween('@from', '@to')})`;
const SESSION_SAMPLE = `${meterBucketIs('m', 'bucket.n')} AND m.station_id = @station AND m.timestamp >= @from AND m.timestamp <= @to AND m.transaction_id = @tx`;

export interface NewTransaction {
  stationId: string;
  evseId: number;
  connectorId: number;
  stationTxId: string | null;
  idToken: string | null;
  idTokenType: string | null;
  groupId: string | null;
  authStatus: string | null;
  reservationId: number | null;
  startedAt: string;
  meterStartWh: number | null;
  startKey: string | null;
  offline: boolean;
  chargingState: string | null;
  seqNo: number | null;
}

export interface StoredSample extends MeterSample {
  stationId: string;
  evseId: number;
  transactionId: number | null;
}

/** Transactions and meter values. Writes run inside the write queue's group transaction. */
export class TransactionsRepo {
  private readonly db: Db;
  private readonly s;
  /** Running sessions' newest figures, written to their rows only now and then (see LiveFigures). */
  readonly live: LiveFigures;
  /**
   * Sessions started by this process that have no stored sample the load balancer reads (LIVE_MEASURANDS): most
   * chargers report energy alone, and their sessions need no look-up after every meter value.
   */
  private readonly withoutLiveReadings = new Set<number>();
  private readonly registers = new SessionRegisters();
  private samples: MeterValuesWriter | undefined;
  /**
   * Running sessions' rows as committed, by id, and their ids by "stationId stationTxId": every meter value
   * reads its session. Kept only for rows read outside a transaction, and dropped by every write to the row
   * (all of them go through this repo), so a cached row is never one that a pending write changed.
   */
  private readonly activeRows = new Map<number, Row>();
  private readonly activeIds = new Map<string, number>();
  /**
   * Ids of the sessions running on each EVSE, by station, as committed: every meter value sent without a
   * transaction id (clock-aligned, or between sessions) looks them up. Kept as `activeRows` is, and dropped for
   * a station by every write that can start, end or move one of its sessions (insert, end, update).
   */
  private readonly activeOnEvses = new Map<string, Map<number, readonly number[]>>();

  constructor(db: Db, live = new LiveFigures()) {
    this.db = db;
    this.live = live;
    this.s = {
      byId: db.prepare(`SELECT ${columns} FROM transactions WHERE id = ?`),
      byStartKey: db.prepare(`SELECT ${columns} FROM transactions WHERE start_key = ?`),
      byStationTxId: db.prepare(`SELECT ${columns} FROM transactions WHERE station_id = ? AND station_tx_id = ?`),
      // From the partial index transactions_active alone, then each row by id, sorted here: measured 2.7 µs when
      // none is active (most look-ups) instead of 22 µs for reading the rows through the index with ORDER BY id.
      activeIdsOnEvse: db.prepare(`SELECT id FROM transactions WHERE station_id = ? AND evse_id = ? AND status = 'active'`).pluck(),
      activeOnStation: db.prepare(`SELECT ${columns} FROM transactions WHERE station_id = ? AND status = 'active' ORDER BY id`),
      insert: db.prepare(`INSERT INTO transactions (station_id, evse_id, connector_id, station_tx_id, id_token, id_token_type, group_id,
          auth_status, reservation_id, status, started_at, meter_start_wh, last_meter_wh, start_key, offline, charging_state, seq_no, created_at, updated_at)
        VALUES (@stationId, @evseId, @connectorId, @stationTxId, @idToken, @idTokenType, @groupId, @authStatus, @reservationId, 'active',
          @startedAt, @meterStartWh, @meterStartWh, @startKey, @offline, @chargingState, @seqNo, @now, @now)`),
      setStationTxId: db.prepare('UPDATE transactions SET station_tx_id = ? WHERE id = ?'),
      setSeqNo: db.prepare('UPDATE transactions SET seq_no = ? WHERE id = ?'),
      end: db.prepare(`UPDATE transactions SET status = 'ended', ended_at = @endedAt, meter_stop_wh = @meterStopWh, energy_wh = @energyWh,
          stop_reason = @stopReason, ended_by = @endedBy, stop_id_token = @stopIdToken, updated_at = @now WHERE id = @id`),
      live: db.prepare(`UPDATE transactions SET last_meter_wh = COALESCE(@meterWh, last_meter_wh), last_power_w = COALESCE(@powerW, last_power_w),
          last_sample_at = @at, updated_at = @now WHERE id = @id AND (last_sample_at IS NULL OR last_sample_at <= @at)`),
      update: db.prepare(`UPDATE transactions SET id_token = COALESCE(@idToken, id_token), id_token_type = COALESCE(@idTokenType, id_token_type),
          group_id = COALESCE(@groupId, group_id), auth_status = COALESCE(@authStatus, auth_status), charging_state = COALESCE(@chargingState, charging_state),
          seq_no = COALESCE(@seqNo, seq_no), offline = MAX(offline, @offline), evse_id = COALESCE(@evseId, evse_id),
          connector_id = COALESCE(@connectorId, connector_id), updated_at = @now WHERE id = @id`),
      stationOf: db.prepare('SELECT station_id FROM transactions WHERE id = ?').pluck(),
      sessionWindow: db.prepare('SELECT station_id AS stationId, started_at AS startedAt, ended_at AS endedAt FROM transactions WHERE id = ?'),
      registerReadings: db.prepare(`${SESSION_SAMPLES} SELECT m.value FROM bucket CROSS JOIN meter_values m ON ${SESSION_SAMPLE}
          AND m.measurand = 'Energy.Active.Import.Register' AND m.phase IS NULL AND m.value IS NOT NULL ORDER BY m.timestamp, m.id`).pluck(),
      series: db.prepare(`${SESSION_SAMPLES} SELECT m.timestamp, m.measurand, m.phase, m.location, m.context, m.unit, m.value,
          m.raw_value AS rawValue, m.raw_unit AS rawUnit, m.signed_data AS signedData FROM bucket CROSS JOIN meter_values m ON ${SESSION_SAMPLE}
          ORDER BY m.timestamp, m.id`),
    };
  }

  private toTransaction(row: Row | undefined): Transaction | undefined {
    return row ? this.live.apply({ ...row, offline: row.offline === 1 }) : undefined;
  }

  get(id: number): Transaction | undefined {
    return this.toTransaction(this.row(id));
  }

  /** The fields a meter value needs checked against, without building the whole session (a per-message path). */
  startOf(id: number): Pick<Transaction, 'stationId' | 'meterStartWh'> | undefined {
    return this.row(id);
  }

  private row(id: number): Row | undefined {
    return this.activeRows.get(id) ?? this.remember(this.s.byId.get(id) as Row | undefined);
  }

  private remember(row: Row | undefined): Row | undefined {
    if (row?.status === 'active' && !this.db.inTransaction) {
      this.activeRows.set(row.id, row);
      this.activeIds.set(`${row.stationId} ${row.stationTxId}`, row.id);
    }
    return row;
  }

  /** Called before every write to a session's row. */
  private forget(id: number): void {
    const row = this.activeRows.get(id);
    if (!row) return;
    this.activeRows.delete(id);
    this.activeIds.delete(`${row.stationId} ${row.stationTxId}`);
  }

  byStartKey(key: string): Transaction | undefined {
    return this.toTransaction(this.s.byStartKey.get(key) as Row | undefined);
  }

  byStationTxId(stationId: string, stationTxId: string): Transaction | undefined {
    const id = this.activeIds.get(`${stationId} ${stationTxId}`);
    const cached = id === undefined ? undefined : this.activeRows.get(id);
    return this.toTransaction(cached ?? this.remember(this.s.byStationTxId.get(stationId, stationTxId) as Row | undefined));
  }

  activeOnEvse(stationId: string, evseId: number): Transaction[] {
    return this.activeIdsOnEvse(stationId, evseId).map((id) => this.get(id)!);
  }

  /** The ids of the sessions running on an EVSE, oldest first. */
  activeIdsOnEvse(stationId: string, evseId: number): readonly number[] {
    const cached = this.activeOnEvses.get(stationId)?.get(evseId);
    if (cached) return cached;
    const ids = (this.s.activeIdsOnEvse.all(stationId, evseId) as number[]).sort((a, b) => a - b);
    if (!this.db.inTransaction) {
      let evses = this.activeOnEvses.get(stationId);
      if (!evses) this.activeOnEvses.set(stationId, (evses = new Map()));
      evses.set(evseId, ids);
    }
    return ids;
  }

  /** Called before every write that can start, end or move a session of the station. */
  private forgetEvsesOf(stationId: string | undefined): void {
    if (stationId !== undefined) this.activeOnEvses.delete(stationId);
  }

  private stationOf(id: number): string | undefined {
    return this.activeRows.get(id)?.stationId ?? (this.s.stationOf.get(id) as string | undefined);
  }

  activeOnStation(stationId: string): Transaction[] {
    return (this.s.activeOnStation.all(stationId) as Row[]).map((r) => this.toTransaction(r)!);
  }

  /** Inserts and returns the new id. A null stationTxId means "use our id" (OCPP 1.6). */
  insert(tx: NewTransaction): number {
    const now = new Date().toISOString();
    this.forgetEvsesOf(tx.stationId);
    const info = this.s.insert.run({ ...tx, stationTxId: tx.stationTxId ?? `pending:${randomUUID()}`, offline: tx.offline ? 1 : 0, now });
    const id = Number(info.lastInsertRowid);
    if (tx.stationTxId === null) {
      this.forget(id);
      this.s.setStationTxId.run(String(id), id);
    }
    this.withoutLiveReadings.add(id);
    this.registers.begin(id, windowStart(tx.startedAt));
    return id;
  }

  end(change: { id: number; endedAt: string; meterStopWh: number | null; energyWh: number | null; stopReason: string | null; endedBy: string; stopIdToken: string | null }): void {
    this.withoutLiveReadings.delete(change.id);
    this.registers.forget(change.id);
    this.forgetEvsesOf(this.stationOf(change.id));
    this.forget(change.id);
    const { figures, seqNo } = this.live.take(change.id);
    if (figures) this.s.live.run({ id: change.id, at: figures.at, meterWh: figures.meterWh, powerW: figures.powerW, now: figures.now });
    if (seqNo !== undefined) this.s.setSeqNo.run(seqNo, change.id);
    this.s.end.run({ ...change, now: new Date().toISOString() });
  }

  update(change: { id: number; idToken?: string | null; idTokenType?: string | null; groupId?: string | null; authStatus?: string | null; chargingState?: string | null; seqNo?: number | null; offline?: boolean; evseId?: number | null; connectorId?: number | null }): void {
    if (change.seqNo !== undefined && change.seqNo !== null) this.live.forgetSeqNo(change.id);
    if (change.evseId !== undefined && change.evseId !== null) this.forgetEvsesOf(this.stationOf(change.id));
    this.forget(change.id);
    this.s.update.run({
      idToken: null, idTokenType: null, groupId: null, authStatus: null, chargingState: null, seqNo: null, evseId: null, connectorId: null,
      ...change,
      offline: change.offline ? 1 : 0,
      now: new Date().toISOString(),
    });
  }

  /** Inside a queued write: a session's live figures that LiveFigures.record said are due on its row. */
  writeLive(id: number, due: LiveRowFigures): void {
    this.forget(id);
    this.s.live.run({ id, at: due.at, meterWh: due.meterWh, powerW: due.powerW, now: due.now });
  }

  /** Inside a queued write, on this connection (tools and tests; the appliance stores samples on the meter-value thread). */
  insertSamples(stationId: string, evseId: number, transactionId: number | null, samples: MeterSample[]): void {
    this.noteSamples(transactionId, samples);
    this.writeSamples(stationId, evseId, transactionId, samples);
  }

  /** insertSamples without noting them (TransactionService notes every sample it stores). */
  writeSamples(stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): void {
    (this.samples ??= new MeterValuesWriter(this.db)).insert(stationId, evseId, transactionId, samples);
  }

  /** Keeps track of which sessions have samples the load balancer reads; called for every sample stored. */
  noteSamples(transactionId: number | null, samples: readonly MeterSample[]): void {
    if (transactionId !== null && samples.some((s) => s.value !== null && LIVE_MEASURANDS.includes(s.measurand))) this.withoutLiveReadings.delete(transactionId);
  }

  /** False when the session surely has no current, power or SoC sample stored (see LiveReadingsRepo). */
  mayHaveLiveReadings(transactionId: number): boolean {
    return !this.withoutLiveReadings.has(transactionId);
  }

  /** Samples of a session that are now durable (TransactionService calls this for every sample it stored). */
  noteStored(transactionId: number, samples: readonly MeterSample[]): void {
    this.registers.stored(transactionId, samples);
  }

  /** The session's stored energy register readings in time order, summarised; read back only when not known here. */
  registerSummary(transactionId: number): RegisterSummary {
    return this.registers.summary(transactionId) ?? summariseRegister(this.registerReadings(transactionId));
  }

  registerReadings(transactionId: number): number[] {
    const window = this.sessionWindow(transactionId);
    return window ? (this.s.registerReadings.all(window) as number[]) : [];
  }

  series(transactionId: number): MeterSample[] {
    const window = this.sessionWindow(transactionId);
    return window ? (this.s.series.all(window) as MeterSample[]) : [];
  }

  /**
   * Where a session's samples are: its station (on any EVSE: some chargers report a transaction's values under
   * another connector), from an hour before its start to an hour after its end (open while it runs).
   */
  private sessionWindow(transactionId: number): { tx: number; station: string; from: string; to: string } | undefined {
    const row = this.s.sessionWindow.get(transactionId) as { stationId: string; startedAt: string; endedAt: string | null } | undefined;
    if (!row) return undefined;
    return {
      tx: transactionId,
      station: row.stationId,
      from: windowStart(row.startedAt),
      to: (row.endedAt === null ? null : shifted(row.endedAt, SESSION_MARGIN_MS)) ?? AFTER_EVERY_TIMESTAMP,
    };
  }

  /** A station's samples (with or without a session), oldest first. */
  stationSeries(stationId: string, filter: { evseId?: number; from?: string; to?: string; limit: number }): Array<MeterSample & { evseId: number; transactionId: number | null }> {
    const where = new Where()
      .if(true, `${meterBucketIs('m', 'bucket.n')} AND m.station_id = ?`, stationId)
      .if(filter.evseId !== undefined, 'm.evse_id = ?', filter.evseId)
      .when(filter.from, 'm.timestamp >= ?')
      .when(filter.to, 'm.timestamp < ?');
    return this.db
      .prepare(`WITH bucket(n) AS (${meterBucketsBetween('?', '?')})
        SELECT m.evse_id AS evseId, m.transaction_id AS transactionId, m.timestamp, m.measurand, m.phase, m.location, m.context, m.unit,
        m.value, m.raw_value AS rawValue, m.raw_unit AS rawUnit, m.signed_data AS signedData FROM bucket CROSS JOIN meter_values m ${where}
        ORDER BY m.timestamp, m.id LIMIT ?`)
      .all(filter.from ?? '', filter.to ?? AFTER_EVERY_TIMESTAMP, ...where.args, filter.limit) as Array<MeterSample & { evseId: number; transactionId: number | null }>;
  }

  list(filter: TransactionFilter): { items: Transaction[]; total: number } {
    const where = new Where()
      .when(filter.stationId, 'station_id = ?')
      .when(filter.status, 'status = ?')
      .when(filter.idToken, 'id_token = ? COLLATE NOCASE')
      .when(filter.from, 'started_at >= ?')
      .when(filter.to, 'started_at < ?');
    const page = pagedList<Row>(this.db, { from: 'transactions', columns, where, orderBy: 'started_at DESC, id DESC', limit: filter.limit, offset: filter.offset });
    return { items: page.items.map((r) => this.toTransaction(r)!), total: page.total };
  }

}
