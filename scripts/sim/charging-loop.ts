/**
 * Charging sessions and meter values for one simulated station, for load tests.
 *
 * Every connector sends a meter value every `meterIntervalSec` (random phase, so a fleet spreads evenly):
 * inside a session with the transaction (1.6 MeterValues with transactionId, 2.x TransactionEvent Updated),
 * outside one as plain MeterValues. With `autoSessions` a connector alternates idle and charging:
 *   1.6: StartTransaction -> StatusNotification Charging ... StopTransaction -> StatusNotification Available
 *   2.x: TransactionEvent Started -> StatusNotification Occupied ... TransactionEvent Ended -> StatusNotification Available
 * Remote start/stop commands from the CSMS start and stop sessions. Failures are not thrown: the station's
 * 'callComplete' events report them, and the loop carries on like a charger would.
 */
import { randomUUID } from 'node:crypto';
import type { CallContext, Payload, SimStation } from './station.ts';

export interface ChargingLoopOptions {
  /** Seconds between meter values per connector. */
  meterIntervalSec: number;
  /** Run sessions (start/stop and meter values inside them). Default true. */
  transactions?: boolean;
  /** Send MeterValues while no session runs (1.6 clock-aligned style; 2.x MeterValues). Default true. */
  idleMeterValues?: boolean;
  /** Start and stop sessions by themselves (idle -> session -> idle ...). Default true; false: use startSession/stopSession. */
  autoSessions?: boolean;
  /** Session length range in seconds. Default [60, 180]. */
  sessionSec?: [number, number];
  /** Idle time between sessions in seconds. Default [5, 20]. */
  idleSec?: [number, number];
  /** Length of the first session (the connector joins the test mid-session). Default [1, sessionSec max]. */
  firstSessionSec?: [number, number];
  /** Delay before the first session, so a fleet does not start all at once. Default [0, 5]. */
  startSpreadSec?: [number, number];
  /** Id token per session. Default `TAG-<station id>-<connector>`. */
  idTag?: (connectorId: number) => string;
  /** Charging power for the energy register, in W. Default 11000. */
  powerW?: number;
  /** Above this many queued CALLs the station skips a meter value instead of queueing it (counted in `skipped`). Default 20. */
  maxQueuedCalls?: number;
  random?: () => number;
}

export interface ChargingLoopStats {
  sessionsStarted: number;
  sessionsStopped: number;
  /** Start or stop exchanges that failed (timeout, CALLERROR, connection lost). */
  sessionFailures: number;
  /** Meter values not sent because the station's queue was full. */
  skipped: number;
}

interface ConnectorState {
  id: number;
  energyWh: number;
  lastEnergyAt: number;
  /** 1.6: the CSMS's transaction id; 2.x: ours. Null outside a session. */
  txId: number | string | null;
  idTag: string | null;
  seqNo: number;
  /** A start or stop exchange is running. */
  busy: boolean;
  meterTimer: ReturnType<typeof setTimeout> | undefined;
  phaseTimer: ReturnType<typeof setTimeout> | undefined;
  sessions: number;
}

const noop = () => {};

export class ChargingLoop {
  readonly station: SimStation;
  readonly stats: ChargingLoopStats = { sessionsStarted: 0, sessionsStopped: 0, sessionFailures: 0, skipped: 0 };
  private readonly options: ChargingLoopOptions;
  private readonly connectors: ConnectorState[] = [];
  private readonly random: () => number;
  private meterIntervalSec: number;
  private running = false;

  constructor(station: SimStation, options: ChargingLoopOptions) {
    if (!(options.meterIntervalSec > 0)) throw new RangeError('meterIntervalSec must be > 0');
    this.station = station;
    this.options = options;
    this.random = options.random ?? Math.random;
    this.meterIntervalSec = options.meterIntervalSec;
    for (let c = 1; c <= station.connectors; c++) {
      this.connectors.push({
        id: c, energyWh: Math.floor(this.random() * 1e6), lastEnergyAt: 0, txId: null, idTag: null, seqNo: 0,
        busy: false, meterTimer: undefined, phaseTimer: undefined, sessions: 0,
      });
    }
    this.installRemoteHandlers();
    station.on('close', () => this.stop());
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Sessions running now. */
  get activeSessions(): number {
    return this.connectors.filter((c) => c.txId !== null).length;
  }

  /** The transaction id running on a connector (1.6: the CSMS's number, 2.x: the station's string), or null. */
  transactionOn(connectorId: number): number | string | null {
    return this.connector(connectorId).txId;
  }

  /** Start the meter-value timers and, with autoSessions, the session cycle. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const c of this.connectors) {
      this.armMeter(c, this.random() * this.meterIntervalSec * 1000);
      if (this.autoSessions) this.schedule(c, this.between(this.options.startSpreadSec ?? [0, 5]), () => this.autoStart(c, true));
    }
  }

  /** Stop every timer; running sessions stay open (see endSessions). */
  stop(): void {
    this.running = false;
    for (const c of this.connectors) {
      clearTimeout(c.meterTimer);
      clearTimeout(c.phaseTimer);
      c.meterTimer = undefined;
      c.phaseTimer = undefined;
    }
  }

  /** Change the meter interval now: every connector re-arms with a fresh random phase. */
  setMeterInterval(sec: number): void {
    if (!(sec > 0)) throw new RangeError('meter interval must be > 0');
    this.meterIntervalSec = sec;
    if (!this.running) return;
    for (const c of this.connectors) {
      clearTimeout(c.meterTimer);
      this.armMeter(c, this.random() * sec * 1000);
    }
  }

  /** Start a session on a connector; resolves false when one is running or starting, or the start failed. */
  async startSession(connectorId: number, idTag?: string): Promise<boolean> {
    const c = this.connector(connectorId);
    if (c.busy || c.txId !== null || !this.transactions) return false;
    c.busy = true;
    const tag = idTag ?? this.options.idTag?.(c.id) ?? `TAG-${this.station.id}-${c.id}`.slice(0, 20);
    try {
      this.accrue(c);
      if (this.station.version === '1.6') {
        const res = await this.station.startTransaction(c.id, tag, c.energyWh);
        if (typeof res.transactionId !== 'number') throw new Error('StartTransaction answer without transactionId');
        c.txId = res.transactionId;
        c.idTag = tag;
        await this.station.statusNotification(c.id, 'Charging');
      } else {
        const txId = randomUUID();
        c.seqNo = 0;
        c.txId = txId;
        c.idTag = tag;
        await this.station.transactionEvent('Started', {
          transactionId: txId, evseId: c.id, seqNo: c.seqNo++, triggerReason: 'Authorized', energyWh: c.energyWh, idToken: tag, chargingState: 'Charging',
        });
        await this.station.statusNotification(c.id, 'Occupied');
      }
      c.sessions++;
      this.stats.sessionsStarted++;
      return true;
    } catch {
      this.stats.sessionFailures++;
      return false;
    } finally {
      c.busy = false;
    }
  }

  /** Stop the session on a connector; resolves false when none runs or the stop failed. */
  async stopSession(connectorId: number, reason = 'Local'): Promise<boolean> {
    const c = this.connector(connectorId);
    if (c.busy || c.txId === null) return false;
    c.busy = true;
    const txId = c.txId;
    try {
      this.accrue(c);
      if (this.station.version === '1.6') {
        await this.station.stopTransaction(txId as number, c.energyWh, { idTag: c.idTag ?? undefined, reason });
      } else {
        await this.station.transactionEvent('Ended', {
          transactionId: txId as string, evseId: c.id, seqNo: c.seqNo++, triggerReason: reason === 'Remote' ? 'RemoteStop' : 'EVDeparted',
          energyWh: c.energyWh, chargingState: 'Idle', stoppedReason: reason,
        });
      }
      c.txId = null;
      c.idTag = null;
      this.stats.sessionsStopped++;
      await this.station.statusNotification(c.id, 'Available');
      return true;
    } catch {
      this.stats.sessionFailures++;
      return false;
    } finally {
      c.busy = false;
    }
  }

  /** Stop every running session (e.g. before a test ends). */
  async endSessions(reason = 'Local'): Promise<void> {
    await Promise.all(this.connectors.filter((c) => c.txId !== null).map((c) => this.stopSession(c.id, reason)));
  }

  // --- internals -------------------------------------------------------------------------------

  private get transactions(): boolean {
    return this.options.transactions ?? true;
  }

  private get autoSessions(): boolean {
    return this.transactions && (this.options.autoSessions ?? true);
  }

  private connector(connectorId: number): ConnectorState {
    const c = this.connectors[connectorId - 1];
    if (!c) throw new RangeError(`${this.station.id} has no connector ${connectorId}`);
    return c;
  }

  private between([min, max]: [number, number]): number {
    return (min + this.random() * (max - min)) * 1000;
  }

  private schedule(c: ConnectorState, ms: number, fn: () => void): void {
    clearTimeout(c.phaseTimer);
    c.phaseTimer = setTimeout(() => {
      c.phaseTimer = undefined;
      if (this.running && this.station.isOpen) fn();
    }, ms);
  }

  private autoStart(c: ConnectorState, first: boolean): void {
    void this.startSession(c.id).then((started) => {
      if (!this.running) return;
      const sessionSec = this.options.sessionSec ?? [60, 180];
      if (!started) {
        this.schedule(c, this.between(this.options.idleSec ?? [5, 20]), () => this.autoStart(c, false));
        return;
      }
      const length = first ? this.between(this.options.firstSessionSec ?? [1, sessionSec[1]]) : this.between(sessionSec);
      this.schedule(c, length, () => this.autoStop(c));
    });
  }

  private autoStop(c: ConnectorState): void {
    void this.stopSession(c.id, c.sessions % 2 ? 'EVDisconnected' : 'Local').then(() => {
      if (this.running) this.schedule(c, this.between(this.options.idleSec ?? [5, 20]), () => this.autoStart(c, false));
    });
  }

  private armMeter(c: ConnectorState, firstMs: number): void {
    const tick = () => {
      c.meterTimer = setTimeout(tick, this.meterIntervalSec * 1000);
      this.sendMeter(c);
    };
    c.meterTimer = setTimeout(tick, firstMs);
  }

  private sendMeter(c: ConnectorState): void {
    const s = this.station;
    if (!this.running || !s.isOpen || s.isSilent) return;
    const inSession = c.txId !== null && !c.busy;
    if (!inSession && !(this.options.idleMeterValues ?? true)) return;
    if (s.pendingCalls >= (this.options.maxQueuedCalls ?? 20)) {
      this.stats.skipped++;
      return;
    }
    this.accrue(c);
    if (!inSession) s.meterValues(c.id, c.energyWh).catch(noop);
    else if (s.version === '1.6') s.meterValues(c.id, c.energyWh, c.txId as number).catch(noop);
    else {
      s.transactionEvent('Updated', {
        transactionId: c.txId as string, evseId: c.id, seqNo: c.seqNo++, triggerReason: 'MeterValuePeriodic', energyWh: c.energyWh,
      }).catch(noop);
    }
  }

  /** Energy register: rises at powerW while a session runs. */
  private accrue(c: ConnectorState): void {
    const now = performance.now();
    if (c.txId !== null && c.lastEnergyAt > 0) c.energyWh += Math.round(((this.options.powerW ?? 11_000) * (now - c.lastEnergyAt)) / 3_600_000);
    c.lastEnergyAt = now;
  }

  private idleConnector(): ConnectorState | undefined {
    return this.connectors.find((c) => c.txId === null && !c.busy);
  }

  private installRemoteHandlers(): void {
    const s = this.station;
    const remoteStart = (connectorId: number | undefined, idTag: string | undefined, ctx: CallContext): Payload => {
      const c = connectorId !== undefined && connectorId > 0 ? this.connectors[connectorId - 1] : this.idleConnector();
      if (!c || c.txId !== null || c.busy || !this.transactions) return { status: 'Rejected' };
      ctx.after(() => {
        clearTimeout(c.phaseTimer);
        void this.startSession(c.id, idTag).then((started) => {
          if (started && this.running && this.autoSessions) this.schedule(c, this.between(this.options.sessionSec ?? [60, 180]), () => this.autoStop(c));
        });
      });
      return { status: 'Accepted' };
    };
    const remoteStop = (txId: unknown, ctx: CallContext): Payload => {
      const c = this.connectors.find((x) => x.txId !== null && x.txId === txId);
      if (!c) return { status: 'Rejected' };
      ctx.after(() => {
        clearTimeout(c.phaseTimer);
        void this.stopSession(c.id, 'Remote').then(() => {
          if (this.running && this.autoSessions) this.schedule(c, this.between(this.options.idleSec ?? [5, 20]), () => this.autoStart(c, false));
        });
      });
      return { status: 'Accepted' };
    };
    if (s.version === '1.6') {
      s.onCall('RemoteStartTransaction', (p, ctx) => remoteStart(typeof p.connectorId === 'number' ? p.connectorId : undefined, p.idTag, ctx));
      s.onCall('RemoteStopTransaction', (p, ctx) => remoteStop(p.transactionId, ctx));
    } else {
      s.onCall('RequestStartTransaction', (p, ctx) => remoteStart(typeof p.evseId === 'number' ? p.evseId : undefined, p.idToken?.idToken, ctx));
      s.onCall('RequestStopTransaction', (p, ctx) => remoteStop(p.transactionId, ctx));
    }
  }
}
