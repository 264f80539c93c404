import type { OcppVersion } from '../../src/ocpp/versions.ts';
import type { StrictClient } from '../../src/testing/strict-station.ts';
import { clear, effectiveLimit, install, profileOf, type EvseRating, type HeldProfile } from './station-profiles.ts';

/** A SetChargingProfile as the station got it, in simulated time. */
export interface ReceivedProfile {
  at: number;
  purpose: HeldProfile['purpose'];
  evseId: number;
}

export interface Sample {
  evsePhaseA: [number, number, number];
  powerW: number;
  socPct: number | null;
}

/**
 * One simulated charger (EVSE 1) over a real OCPP connection: it holds the profiles the server sends and tells the
 * simulator the limit in force, starts and stops transactions, and reports meter values, all stamped with
 * simulated time (`now()`).
 */
export class TwinStation {
  readonly id: string;
  readonly version: OcppVersion;
  readonly rating: EvseRating;
  readonly received: ReceivedProfile[] = [];
  private readonly cp: StrictClient;
  private readonly now: () => number;
  private held: HeldProfile[] = [];
  /** The profiles in force since `at`, newest last (for cars that follow late). */
  private readonly history: Array<{ at: number; held: HeldProfile[] }> = [];
  private tx: { id: string; startedAt: number; idToken: string } | null = null;
  private registerWh = 0;
  private seqNo = 0;

  constructor(cp: StrictClient, id: string, version: OcppVersion, rating: EvseRating, now: () => number) {
    this.cp = cp;
    this.id = id;
    this.version = version;
    this.rating = rating;
    this.now = now;
    cp.handle('SetChargingProfile', async ({ params }: { params?: any }) => {
      const p = profileOf(params);
      this.received.push({ at: now(), purpose: p.purpose, evseId: p.evseId });
      this.changed(install(this.held, p));
      return { status: 'Accepted' };
    });
    cp.handle('ClearChargingProfile', async ({ params }: { params?: any }) => {
      this.changed(clear(this.held, params ?? {}));
      return { status: 'Accepted' };
    });
    cp.handle('GetCompositeSchedule', async ({ params }: { params?: any }) => this.composite(params ?? {}));
  }

  get transactionId(): string | null {
    return this.tx?.id ?? null;
  }

  /** The limit on EVSE 1 (AC: A per phase, DC: W) as of `delayS` seconds ago; null when nothing limits it. */
  limit(delayS = 0): number | null {
    const at = this.now() - delayS * 1000;
    let held: HeldProfile[] = [];
    for (const h of this.history) if (h.at <= at) held = h.held;
    return effectiveLimit(delayS > 0 ? held : this.held, 1, this.tx?.id ?? null, this.tx?.startedAt ?? this.now(), at, this.rating);
  }

  /** Energy the station's meter counted. */
  addEnergy(wh: number): void {
    this.registerWh += wh;
  }

  async start(idToken: string): Promise<void> {
    const timestamp = new Date(this.now()).toISOString();
    const meterStart = Math.round(this.registerWh);
    if (this.version === '1.6') {
      const answer: any = await this.cp.call('StartTransaction', { connectorId: 1, idTag: idToken, meterStart, timestamp });
      this.tx = { id: String(answer.transactionId), startedAt: this.now(), idToken };
      return;
    }
    const id = `${this.id}-${this.now()}`;
    this.tx = { id, startedAt: this.now(), idToken };
    await this.cp.call('TransactionEvent', {
      eventType: 'Started', timestamp, triggerReason: 'Authorized', seqNo: this.seqNo++,
      transactionInfo: { transactionId: id, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, idToken: { idToken, type: 'ISO14443' },
      meterValue: [{ timestamp, sampledValue: [{ value: meterStart, measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin', unitOfMeasure: { unit: 'Wh' } }] }],
    });
  }

  async stop(): Promise<void> {
    const tx = this.tx;
    if (!tx) return;
    this.tx = null;
    const timestamp = new Date(this.now()).toISOString();
    const meterStop = Math.round(this.registerWh);
    if (this.version === '1.6') {
      await this.cp.call('StopTransaction', { transactionId: Number(tx.id), idTag: tx.idToken, meterStop, timestamp, reason: 'EVDisconnected' });
      return;
    }
    await this.cp.call('TransactionEvent', {
      eventType: 'Ended', timestamp, triggerReason: 'EVDeparted', seqNo: this.seqNo++,
      transactionInfo: { transactionId: tx.id, chargingState: 'Idle', stoppedReason: 'EVDisconnected' }, evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp, sampledValue: [{ value: meterStop, measurand: 'Energy.Active.Import.Register', context: 'Transaction.End', unitOfMeasure: { unit: 'Wh' } }] }],
    });
  }

  /** Meter values of the running transaction: current per phase (AC), power, energy register, state of charge (DC). */
  async report(sample: Sample): Promise<void> {
    const tx = this.tx;
    if (!tx) return;
    const timestamp = new Date(this.now()).toISOString();
    const values: Array<{ value: number; measurand: string; unit: string; phase?: string }> = [];
    if (this.rating.kind === 'AC') {
      for (let i = 0; i < this.rating.phases; i++) values.push({ value: round(sample.evsePhaseA[i]!), measurand: 'Current.Import', unit: 'A', phase: `L${i + 1}` });
    }
    values.push({ value: Math.round(sample.powerW), measurand: 'Power.Active.Import', unit: 'W' });
    values.push({ value: Math.round(this.registerWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' });
    // To 0.01 % (cars report whole percent; the in-process run gives the core the exact value).
    if (sample.socPct !== null) values.push({ value: Math.min(100, Math.round(sample.socPct * 100) / 100), measurand: 'SoC', unit: 'Percent' });
    if (this.version === '1.6') {
      const sampledValue = values.map(({ value, unit, ...v }) => ({ ...v, value: String(value), unit, context: 'Sample.Periodic' }));
      await this.cp.call('MeterValues', { connectorId: 1, transactionId: Number(tx.id), meterValue: [{ timestamp, sampledValue }] });
      return;
    }
    const sampledValue = values.map(({ unit, ...v }) => ({ ...v, context: 'Sample.Periodic', unitOfMeasure: { unit } }));
    await this.cp.call('TransactionEvent', {
      eventType: 'Updated', timestamp, triggerReason: 'MeterValuePeriodic', seqNo: this.seqNo++,
      transactionInfo: { transactionId: tx.id, chargingState: sample.powerW > 0 ? 'Charging' : 'SuspendedEV' }, meterValue: [{ timestamp, sampledValue }],
    });
  }

  async close(): Promise<void> {
    await this.cp.close({ code: 1000, force: true });
  }

  private changed(held: HeldProfile[]): void {
    this.held = held;
    this.history.push({ at: this.now(), held });
    if (this.history.length > 32) this.history.splice(0, this.history.length - 32);
  }

  /** The limit in force now as a one-period composite schedule. */
  private composite(params: any): Record<string, unknown> {
    const evseId = params.connectorId ?? params.evseId ?? 1;
    const duration = params.duration ?? 86_400;
    const limit = this.limit();
    const unit = params.chargingRateUnit ?? (this.rating.kind === 'AC' ? 'A' : 'W');
    const value = limit === null ? (unit === 'A' ? 32 : 22_080) : unit === (this.rating.kind === 'AC' ? 'A' : 'W') ? limit : this.rating.kind === 'AC' ? limit * this.rating.voltageV * this.rating.phases : limit / (this.rating.voltageV * this.rating.phases);
    const start = new Date(this.now()).toISOString();
    const periods = [{ startPeriod: 0, limit: round(value) }];
    if (this.version === '1.6') return { status: 'Accepted', connectorId: evseId, scheduleStart: start, chargingSchedule: { duration, startSchedule: start, chargingRateUnit: unit, chargingSchedulePeriod: periods } };
    return { status: 'Accepted', schedule: { evseId, duration, scheduleStart: start, chargingRateUnit: unit, chargingSchedulePeriod: periods } };
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
