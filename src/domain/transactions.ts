import type { Logger } from '../log/logger.ts';
import { isoNow } from '../platform/iso-now.ts';
import type { TransactionsRepo } from '../storage/transactions-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import { activePower, energyRegister, sessionEnergy, type MeterSample, type RegisterSummary } from './meter.ts';
import type { Transaction, TransactionFilter } from './transaction.ts';

export interface StationStart {
  evseId: number;
  connectorId: number;
  idToken: string | null;
  idTokenType: string | null;
  groupId: string | null;
  authStatus: string | null;
  meterStartWh: number | null;
  timestamp: string;
  reservationId: number | null;
  /** 2.0.1: the station's transactionId. Null for 1.6, where Ampyard assigns the id. */
  stationTxId: string | null;
  /** 1.6 idempotency: the same start repeated after a reconnect must get the same transactionId. */
  startKey: string | null;
  offline: boolean;
  chargingState?: string | null;
  seqNo?: number | null;
}

export interface StationStop {
  meterStopWh: number | null;
  timestamp: string;
  reason: string | null;
  idToken: string | null;
}

/** Stores one EVSE's meter samples; settles once they are durable. */
export type StoreSamples = (stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]) => Promise<void>;

/** Ampyard's own reasons for closing a transaction the station never ended. */
export type Reconciliation = 'reconciled-boot' | 'reconciled-status' | 'superseded';

/**
 * Charging sessions from start to stop, for every OCPP version. Idempotent where stations repeat themselves
 * (duplicate starts and stops after reconnects), and it closes sessions a station forgot (reboot, connector
 * back to Available) while letting the station's own late StopTransaction correct them.
 */
export class TransactionService {
  private readonly repo: TransactionsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly log: Logger;
  private readonly store: StoreSamples;

  /**
   * `storeSamples`: where meter samples go (the appliance's meter-value thread); by default into this
   * connection's meter_values through the write queue.
   */
  constructor(repo: TransactionsRepo, writes: WriteQueue, events: EventBus, log: Logger, storeSamples?: StoreSamples) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.log = log;
    this.store = storeSamples ?? ((stationId, evseId, transactionId, samples) => this.writes.run(() => this.repo.writeSamples(stationId, evseId, transactionId, samples)));
  }

  get(id: number): Transaction | undefined {
    return this.repo.get(id);
  }

  /** A session's station and meter start (undefined: no such session). */
  startOf(id: number): Pick<Transaction, 'stationId' | 'meterStartWh'> | undefined {
    return this.repo.startOf(id);
  }

  byStationTxId(stationId: string, stationTxId: string): Transaction | undefined {
    return this.repo.byStationTxId(stationId, stationTxId);
  }

  list(filter: TransactionFilter): { items: Transaction[]; total: number } {
    return this.repo.list(filter);
  }

  activeOnStation(stationId: string): Transaction[] {
    return this.repo.activeOnStation(stationId);
  }

  /** False when the session surely has no current, power or SoC sample stored. */
  mayHaveLiveReadings(id: number): boolean {
    return this.repo.mayHaveLiveReadings(id);
  }

  meterSeries(id: number): MeterSample[] {
    return this.repo.series(id);
  }

  stationMeterSeries(stationId: string, filter: Parameters<TransactionsRepo['stationSeries']>[1]) {
    return this.repo.stationSeries(stationId, filter);
  }

  async start(stationId: string, start: StationStart): Promise<{ transaction: Transaction; duplicate: boolean; superseded: Transaction[] }> {
    const outcome = await this.writes.run(() => {
      const existing =
        (start.startKey && this.repo.byStartKey(start.startKey)) || (start.stationTxId && this.repo.byStationTxId(stationId, start.stationTxId));
      if (existing) return { transaction: existing, duplicate: true, superseded: [] as Transaction[] };
      const superseded: Transaction[] = [];
      for (const stale of this.repo.activeOnEvse(stationId, start.evseId)) {
        this.closeWithoutStation(stale, 'superseded', start.timestamp, 'Other');
        superseded.push(this.repo.get(stale.id)!);
      }
      const id = this.repo.insert({
        stationId,
        evseId: start.evseId,
        connectorId: start.connectorId,
        stationTxId: start.stationTxId,
        idToken: start.idToken,
        idTokenType: start.idTokenType,
        groupId: start.groupId,
        authStatus: start.authStatus,
        reservationId: start.reservationId,
        startedAt: start.timestamp,
        meterStartWh: start.meterStartWh,
        startKey: start.startKey,
        offline: start.offline,
        chargingState: start.chargingState ?? null,
        seqNo: start.seqNo ?? null,
      });
      return { transaction: this.repo.get(id)!, duplicate: false, superseded };
    });
    for (const tx of outcome.superseded) this.events.publish({ type: 'transaction.ended', data: tx });
    if (!outcome.duplicate) this.events.publish({ type: 'transaction.started', data: outcome.transaction });
    return outcome;
  }

  /**
   * Ends a transaction as the station reports it. A repeated stop changes nothing; a stop for a transaction
   * Ampyard had closed itself (reconciliation) corrects it with the station's figures.
   */
  async stop(transactionId: number, stop: StationStop): Promise<Transaction | undefined> {
    const result = await this.writes.run(() => {
      const tx = this.repo.get(transactionId);
      if (!tx) return undefined;
      if (tx.status === 'ended' && tx.endedBy === 'station') return { tx, changed: false };
      this.repo.end({
        id: tx.id,
        endedAt: stop.timestamp,
        meterStopWh: stop.meterStopWh,
        energyWh: this.energy(tx, stop.meterStopWh),
        stopReason: stop.reason ?? 'Local',
        endedBy: 'station',
        stopIdToken: stop.idToken,
      });
      return { tx: this.repo.get(tx.id)!, changed: true };
    });
    if (result?.changed) this.events.publish({ type: 'transaction.ended', data: result.tx });
    return result?.tx;
  }

  /** A stop for a transaction Ampyard never saw (e.g. started while Ampyard was replaced): kept as a record. */
  async recordUnknownStop(stationId: string, evseId: number, stationTxId: string, stop: StationStop): Promise<Transaction> {
    return this.writes.run(() => {
      const existing = this.repo.byStationTxId(stationId, stationTxId);
      if (existing) return existing;
      const id = this.repo.insert({
        stationId, evseId, connectorId: evseId === 0 ? 0 : 1, stationTxId, idToken: stop.idToken, idTokenType: null, groupId: null,
        authStatus: null, reservationId: null, startedAt: stop.timestamp, meterStartWh: null, startKey: null, offline: true,
        chargingState: null, seqNo: null,
      });
      this.repo.end({ id, endedAt: stop.timestamp, meterStopWh: stop.meterStopWh, energyWh: null, stopReason: stop.reason ?? 'Other', endedBy: 'station-unknown', stopIdToken: stop.idToken });
      return this.repo.get(id)!;
    });
  }

  /**
   * Updates a session's fields; the meter samples that came with the update are stored first, so that both are
   * durable when this settles (a station that repeats the event after a crash between the two has its samples
   * recognised as stored).
   */
  async update(transactionId: number, change: Omit<Parameters<TransactionsRepo['update']>[0], 'id'>, samples: MeterSample[] = []): Promise<Transaction | undefined> {
    if (samples.length > 0) {
      const current = this.repo.get(transactionId);
      if (current) await this.storeFor(current.stationId, change.evseId ?? current.evseId, current.id, samples);
    }
    const tx = await this.writes.run(() => {
      this.repo.update({ ...change, id: transactionId });
      const updated = this.repo.get(transactionId);
      return updated && samples.length > 0 ? this.applyLive(updated, samples, (id, due) => this.repo.writeLive(id, due)) : updated;
    });
    if (tx) this.events.publish({ type: 'transaction.updated', data: tx });
    return tx;
  }

  /**
   * A 2.x event that changes nothing in the session but its seqNo (most TransactionEvent Updated): its samples
   * are stored like MeterValues, and the seqNo is held with the live figures instead of rewriting the row.
   */
  async advance(tx: Transaction, seqNo: number, samples: MeterSample[]): Promise<Transaction> {
    this.repo.live.recordSeqNo(tx.id, seqNo);
    const updated = await this.recordMeterValues(tx.stationId, tx.evseId, tx.id, samples);
    if (!updated) return { ...tx, seqNo };
    updated.seqNo = seqNo;
    return updated;
  }

  /** Stores meter samples (acknowledged only once durable) and updates the session's live figures. */
  async recordMeterValues(stationId: string, evseId: number, transactionId: number | null, samples: MeterSample[]): Promise<Transaction | undefined> {
    if (samples.length === 0) return undefined;
    // Which session they belong to; the session itself is read once they are stored (see below).
    let linked: number | undefined;
    if (transactionId !== null) linked = this.repo.startOf(transactionId)?.stationId === stationId ? transactionId : undefined;
    // Clock-aligned values come without a transaction id; they still belong to the session running on the EVSE.
    else if (evseId > 0) linked = this.repo.activeIdsOnEvse(stationId, evseId)[0];
    await this.storeFor(stationId, evseId, linked ?? null, samples);
    if (linked === undefined) return undefined;
    // The session as it is now: a stop may have been stored while the samples were.
    const current = this.repo.get(linked);
    if (!current) return undefined;
    const tx = this.applyLive(current, samples, (id, due) => void this.writes.run(() => this.repo.writeLive(id, due)).catch(() => {}));
    if (tx.status === 'active') this.events.publish({ type: 'transaction.updated', data: tx });
    return tx;
  }

  private async storeFor(stationId: string, evseId: number, transactionId: number | null, samples: MeterSample[]): Promise<void> {
    this.repo.noteSamples(transactionId, samples);
    await this.store(stationId, evseId, transactionId, samples);
    if (transactionId !== null) this.repo.noteStored(transactionId, samples);
  }

  /**
   * Takes stored samples into the session's live figures (in memory; written to its row now and then through
   * `writeDue`, which a lost write only delays, see LiveFigures); returns `tx` (a session just read, which it
   * updates in place).
   */
  private applyLive(tx: Transaction, samples: MeterSample[], writeDue: (id: number, due: NonNullable<ReturnType<TransactionsRepo['live']['record']>>) => void): Transaction {
    const now = isoNow();
    for (const [at, group] of byTimestamp(samples)) {
      const meterWh = energyRegister(group);
      const powerW = activePower(group);
      const due = this.repo.live.record(tx.id, at, meterWh, powerW, now);
      if (due) writeDue(tx.id, due);
      if (tx.lastSampleAt === null || tx.lastSampleAt <= at) {
        tx.lastMeterWh = meterWh ?? tx.lastMeterWh;
        tx.lastPowerW = powerW ?? tx.lastPowerW;
        tx.lastSampleAt = at;
        tx.updatedAt = now;
      }
    }
    return tx;
  }

  /** Closes every session a station still has open (it rebooted, so they cannot be running). */
  async reconcileStation(stationId: string, why: Reconciliation, at: string): Promise<Transaction[]> {
    return this.reconcile(() => this.repo.activeOnStation(stationId), why, at, 'Reboot');
  }

  /** Closes the session on an EVSE the station reports as free again. */
  async reconcileEvse(stationId: string, evseId: number, at: string): Promise<Transaction[]> {
    return this.reconcile(() => this.repo.activeOnEvse(stationId, evseId), 'reconciled-status', at, 'Other');
  }

  private async reconcile(find: () => Transaction[], why: Reconciliation, at: string, reason: string): Promise<Transaction[]> {
    const closed = await this.writes.run(() =>
      find().map((tx) => {
        this.closeWithoutStation(tx, why, at, reason);
        return this.repo.get(tx.id)!;
      }),
    );
    for (const tx of closed) {
      this.log.info('closed a transaction the station did not end', { station: tx.stationId, transaction: tx.id, why });
      this.events.publish({ type: 'transaction.ended', data: tx });
    }
    return closed;
  }

  private closeWithoutStation(tx: Transaction, why: Reconciliation, at: string, reason: string): void {
    const stopAt = at < tx.startedAt ? tx.startedAt : at;
    // After a crash the row's live figures may lag its stored samples (see LiveFigures): the register is read from those.
    const registers = this.repo.registerSummary(tx.id);
    const meterStopWh = registers.last ?? tx.lastMeterWh;
    this.repo.end({ id: tx.id, endedAt: stopAt, meterStopWh, energyWh: this.energy(tx, meterStopWh, registers), stopReason: reason, endedBy: why, stopIdToken: null });
  }

  private energy(tx: Transaction, meterStopWh: number | null, registers: RegisterSummary = this.repo.registerSummary(tx.id)): number | null {
    return sessionEnergy(tx.meterStartWh, registers, meterStopWh);
  }
}

/** Samples grouped by timestamp, oldest first (most messages hold one timestamp: no grouping needed). */
function byTimestamp(samples: MeterSample[]): Array<[string, MeterSample[]]> {
  const first = samples[0]!.timestamp;
  if (samples.every((s) => s.timestamp === first)) return [[first, samples]];
  const byTime = new Map<string, MeterSample[]>();
  for (const s of samples) {
    const group = byTime.get(s.timestamp);
    if (group) group.push(s);
    else byTime.set(s.timestamp, [s]);
  }
  return [...byTime].sort(([a], [b]) => a.localeCompare(b));
}
