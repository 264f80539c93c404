/**
 * The benchmark's load: simulated stations (scripts/sim) with charging loops, and the statistics of a
 * measurement window. Runs inside the load-generator process, never in the process being measured.
 *
 * Latency is measured from the moment a station wanted to send a CALL (it may wait behind its own
 * previous CALL, as on a real charger) to the moment the answer arrived, so an overloaded server shows
 * up as latency rather than hiding in the stations' queues.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChargingLoop, type ChargingLoopOptions } from '../sim/charging-loop.ts';
import { LatencyHistogram, stationId, type ActionStats } from '../sim/fleet.ts';
import { SimStation, type CallCompletion, type OcppVersion } from '../sim/station.ts';
import type { ChurnResult } from './generator-client.ts';

/** What each OCPP version's stations do; decided by probing the server (see probe in load-generator.ts). */
export interface VersionBehaviour {
  /** Charging sessions with start/stop (1.6 Start/StopTransaction, 2.x TransactionEvent). */
  transactions: boolean;
  /** Plain MeterValues (outside sessions, or as the only meter traffic without transactions). */
  meterValues: boolean;
}

export interface LoadOptions {
  url: string;
  idPrefix: string;
  /** Assigned round-robin. */
  versions: OcppVersion[];
  behaviour: Record<string, VersionBehaviour>;
  connectors: number;
  heartbeatSec: number;
  meterIntervalSec: number;
  callTimeoutMs: number;
  sessionSec: [number, number];
  idleSec: [number, number];
}

/** Per-action figures in a window: the same shape as the simulator fleet's. */
export type ActionFigures = ActionStats;

export interface WindowStats {
  seconds: number;
  stations: { target: number; connected: number; accepted: number };
  /** CALLs sent by the stations that were answered (CALLRESULT or CALLERROR) in the window, per second. */
  completedPerSec: number;
  /** CALLs the stations wanted to send in the window, per second (answered + failed + queue growth + skipped). */
  offeredPerSec: number;
  /** The rate the configuration should produce, per second. */
  nominalPerSec: number;
  latency: ActionFigures;
  /** Wire latency only (send to answer, without time queued in the station), all actions. */
  wireP99: number;
  actions: Record<string, ActionFigures>;
  failures: { callErrors: number; timeouts: number; aborted: number; unexpectedCloses: number; protocolErrors: number };
  /** CALLs from the server to the stations, per action. */
  incoming: Record<string, number>;
  sessions: { started: number; stopped: number; failures: number; skipped: number; active: number };
  generator: { cpuPercent: number; loopDelayP99Ms: number; loopDelayMaxMs: number; rssMB: number };
  recentErrors: string[];
}

interface Acc {
  total: LatencyHistogram;
  count: number;
  ok: number;
  callErrors: number;
  timeouts: number;
  aborted: number;
}

function newAcc(): Acc {
  return { total: new LatencyHistogram(), count: 0, ok: 0, callErrors: 0, timeouts: 0, aborted: 0 };
}

function figures(a: Acc): ActionFigures {
  const h = a.total;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    count: a.count, ok: a.ok, callErrors: a.callErrors, timeouts: a.timeouts, aborted: a.aborted,
    p50: round(h.percentile(50)), p95: round(h.percentile(95)), p99: round(h.percentile(99)), max: round(h.max), mean: round(h.mean),
  };
}

/** Collects call outcomes for one measurement window, plus run totals that are never reset. */
export class WindowRecorder {
  private actions = new Map<string, Acc>();
  private all = newAcc();
  private wire = new LatencyHistogram();
  private incoming = new Map<string, number>();
  private unexpectedCloses = 0;
  private protocolErrors = 0;
  private errors: string[] = [];
  private startedAt = performance.now();
  private cpuAt = process.cpuUsage();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  /** Answered CALLs per action over the whole run (for the persistence check). */
  readonly totals = new Map<string, number>();

  constructor() {
    this.loopDelay.enable();
  }

  reset(): void {
    this.actions = new Map();
    this.all = newAcc();
    this.wire = new LatencyHistogram();
    this.incoming = new Map();
    this.unexpectedCloses = 0;
    this.protocolErrors = 0;
    this.errors = [];
    this.startedAt = performance.now();
    this.cpuAt = process.cpuUsage();
    this.loopDelay.reset();
  }

  attach(station: SimStation, expectingClose: () => boolean): void {
    station.on('callComplete', (info) => this.record(info));
    station.on('call', (call) => this.incoming.set(call.action, (this.incoming.get(call.action) ?? 0) + 1));
    station.on('protocolError', (message) => {
      this.protocolErrors++;
      this.error(`${station.id}: ${message}`);
    });
    station.on('error', (err) => this.error(`${station.id} socket: ${err.message}`));
    station.on('close', (info) => {
      if (!info.initiatedByStation && !expectingClose()) {
        this.unexpectedCloses++;
        this.error(`${station.id} closed by the server: ${info.code} ${info.reason}`);
      }
    });
  }

  error(text: string): void {
    if (this.errors.length < 10) this.errors.push(text);
  }

  private record(info: CallCompletion): void {
    let acc = this.actions.get(info.action);
    if (!acc) this.actions.set(info.action, (acc = newAcc()));
    for (const a of [acc, this.all]) {
      a.count++;
      if (info.ok) a.ok++;
      else if (info.error === 'callerror') a.callErrors++;
      else if (info.error === 'timeout') a.timeouts++;
      else a.aborted++;
      if (info.ok || info.error === 'callerror') a.total.record(info.queuedMs + info.latencyMs);
    }
    if (info.ok || info.error === 'callerror') {
      this.wire.record(info.latencyMs);
      this.totals.set(info.action, (this.totals.get(info.action) ?? 0) + (info.ok ? 1 : 0));
    }
    if (!info.ok) this.error(`${info.action} ${info.error}${info.errorCode ? ' ' + info.errorCode : ''}`);
  }

  /** The window's figures; `extra` comes from the fleet. */
  snapshot(extra: Pick<WindowStats, 'stations' | 'offeredPerSec' | 'nominalPerSec' | 'sessions'>): WindowStats {
    const seconds = this.elapsedSec;
    const cpu = process.cpuUsage(this.cpuAt);
    const answered = this.all.ok + this.all.callErrors;
    return {
      seconds: Math.round(seconds * 100) / 100,
      stations: extra.stations,
      completedPerSec: Math.round(answered / seconds),
      offeredPerSec: extra.offeredPerSec,
      nominalPerSec: extra.nominalPerSec,
      latency: figures(this.all),
      wireP99: Math.round(this.wire.percentile(99) * 100) / 100,
      actions: Object.fromEntries([...this.actions].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, figures(v)])),
      failures: {
        callErrors: this.all.callErrors, timeouts: this.all.timeouts, aborted: this.all.aborted,
        unexpectedCloses: this.unexpectedCloses, protocolErrors: this.protocolErrors,
      },
      incoming: Object.fromEntries(this.incoming),
      sessions: extra.sessions,
      generator: {
        cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
        loopDelayP99Ms: Math.round(this.loopDelay.percentile(99) / 1e4) / 100,
        loopDelayMaxMs: Math.round(this.loopDelay.max / 1e4) / 100,
        rssMB: Math.round(process.memoryUsage.rss() / 1048576),
      },
      recentErrors: [...this.errors],
    };
  }

  get elapsedSec(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Number of calls of this window so far that are finished (for offered-rate accounting). */
  get finished(): number {
    return this.all.count;
  }
}

/** Opens a station's websocket, retrying like a charger does (1-3 s apart) until `deadline`. Returns the retries used. */
export async function connectWithRetry(station: SimStation, deadline: number, onError: (text: string) => void): Promise<number> {
  let retries = 0;
  for (;;) {
    try {
      await station.connect();
      return retries;
    } catch (err) {
      if (performance.now() + 1000 > deadline) throw err;
      if (retries === 0) onError(`${station.id} connect: ${(err as Error).message}`);
      retries++;
      await sleep(1000 + Math.random() * 2000);
    }
  }
}

/** A growing fleet of stations, each with a charging loop. */
export class LoadFleet {
  readonly options: LoadOptions;
  readonly recorder: WindowRecorder;
  readonly stations: SimStation[] = [];
  readonly loops: ChargingLoop[] = [];
  private meterIntervalSec: number;
  private expectingClose = false;
  private pendingAtWindowStart = 0;
  private skippedAtWindowStart = 0;
  private sessionsAtWindowStart = { started: 0, stopped: 0, failures: 0 };
  connectRetries = 0;
  connectFailures = 0;
  bootFailures = 0;

  constructor(options: LoadOptions, recorder: WindowRecorder) {
    this.options = options;
    this.recorder = recorder;
    this.meterIntervalSec = options.meterIntervalSec;
  }

  private behaviour(version: OcppVersion): VersionBehaviour {
    return this.options.behaviour[version] ?? { transactions: false, meterValues: false };
  }

  /** Creates station i (0-based) with its loop; not connected yet. */
  private create(i: number, total: number, autoSessions: boolean): SimStation {
    const o = this.options;
    const version = o.versions[i % o.versions.length]!;
    const station = new SimStation({
      url: o.url,
      id: stationId(o.idPrefix, i, Math.max(total, 10_000)),
      version,
      connectors: o.connectors,
      callTimeoutMs: o.callTimeoutMs,
      heartbeatIntervalSec: o.heartbeatSec,
      connectTimeoutMs: 20_000,
    });
    this.recorder.attach(station, () => this.expectingClose);
    const b = this.behaviour(version);
    const loopOptions: ChargingLoopOptions = {
      meterIntervalSec: this.meterIntervalSec,
      transactions: b.transactions,
      idleMeterValues: b.meterValues,
      autoSessions,
      sessionSec: o.sessionSec,
      idleSec: o.idleSec,
      // A small pool of fleet cards, as in a depot.
      idTag: (c) => `CARD-${String(((i * o.connectors + c) % 2000) + 1).padStart(4, '0')}`,
    };
    this.stations[i] = station;
    this.loops[i] = new ChargingLoop(station, loopOptions);
    return station;
  }

  /**
   * Connect and boot stations up to `total`, `concurrency` at a time; their loops start once booted.
   * After `timeoutMs` no further stations are started (those under way finish in the background) and it resolves.
   */
  async grow(total: number, concurrency: number, timeoutMs: number, startLoops = true): Promise<{ ms: number; accepted: number; timedOut: boolean }> {
    const started = performance.now();
    const first = this.stations.length;
    let next = first;
    let timedOut = false;
    const deadline = performance.now() + timeoutMs;
    const worker = async () => {
      while (next < total && !timedOut) {
        const i = next++;
        const station = this.create(i, total, true);
        try {
          this.connectRetries += await connectWithRetry(station, deadline, (t) => this.recorder.error(t));
        } catch {
          this.connectFailures++;
          continue;
        }
        try {
          await station.runBootSequence();
          if (startLoops) this.loops[i]!.start();
        } catch (err) {
          this.bootFailures++;
          this.recorder.error(`${station.id} boot: ${(err as Error).message}`);
        }
      }
    };
    const workers = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total - first)) }, worker));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
    });
    await Promise.race([workers, limit]);
    clearTimeout(timer);
    return { ms: Math.round(performance.now() - started), accepted: this.countAccepted(), timedOut };
  }

  countAccepted(): number {
    let n = 0;
    for (const s of this.stations) if (s && s.isOpen && s.registration === 'Accepted') n++;
    return n;
  }

  setMeterInterval(sec: number): void {
    this.meterIntervalSec = sec;
    for (const loop of this.loops) loop?.setMeterInterval(sec);
  }

  /** Messages per second the configuration should offer (meter values, heartbeats, session messages). */
  nominalRate(): number {
    let rate = 0;
    const [sMin, sMax] = this.options.sessionSec;
    const [iMin, iMax] = this.options.idleSec;
    const cycle = (sMin + sMax) / 2 + (iMin + iMax) / 2;
    for (const s of this.stations) {
      if (!s || !s.isOpen) continue;
      const b = this.behaviour(s.version);
      rate += 1 / this.options.heartbeatSec;
      if (b.transactions) {
        // In session: a meter value per interval; idle: only when plain MeterValues are on. Four messages per session.
        const inSession = ((sMin + sMax) / 2) / cycle;
        const meterShare = b.meterValues ? 1 : inSession;
        rate += s.connectors * (meterShare / this.meterIntervalSec + 4 / cycle);
      } else if (b.meterValues) {
        rate += s.connectors / this.meterIntervalSec;
      }
    }
    return Math.round(rate);
  }

  private pending(): number {
    let n = 0;
    for (const s of this.stations) if (s) n += s.pendingCalls;
    return n;
  }

  private loopTotals(): { started: number; stopped: number; failures: number; skipped: number; active: number } {
    const t = { started: 0, stopped: 0, failures: 0, skipped: 0, active: 0 };
    for (const l of this.loops) {
      if (!l) continue;
      t.started += l.stats.sessionsStarted;
      t.stopped += l.stats.sessionsStopped;
      t.failures += l.stats.sessionFailures;
      t.skipped += l.stats.skipped;
      t.active += l.activeSessions;
    }
    return t;
  }

  /** Sessions whose start the server answered, over the fleet's life. */
  sessionsStarted(): number {
    return this.loopTotals().started;
  }

  beginWindow(): void {
    this.recorder.reset();
    this.pendingAtWindowStart = this.pending();
    const t = this.loopTotals();
    this.skippedAtWindowStart = t.skipped;
    this.sessionsAtWindowStart = { started: t.started, stopped: t.stopped, failures: t.failures };
  }

  endWindow(): WindowStats {
    const t = this.loopTotals();
    const seconds = this.recorder.elapsedSec;
    const skipped = t.skipped - this.skippedAtWindowStart;
    const offered = this.recorder.finished + (this.pending() - this.pendingAtWindowStart) + skipped;
    let connected = 0;
    for (const s of this.stations) if (s?.isOpen) connected++;
    return this.recorder.snapshot({
      stations: { target: this.stations.length, connected, accepted: this.countAccepted() },
      offeredPerSec: Math.round(offered / seconds),
      nominalPerSec: this.nominalRate(),
      sessions: {
        started: t.started - this.sessionsAtWindowStart.started,
        stopped: t.stopped - this.sessionsAtWindowStart.stopped,
        failures: t.failures - this.sessionsAtWindowStart.failures,
        skipped,
        active: t.active,
      },
    });
  }

  /** Stop every loop and heartbeat; the connections stay open. */
  stopLoops(): void {
    for (const l of this.loops) l?.stop();
    for (const s of this.stations) s?.stopHeartbeat();
  }

  /** The server is about to go away: its closes are expected. */
  expectClose(): void {
    this.expectingClose = true;
    this.stopLoops();
  }

  /** Drop every connection at once (no close handshake). */
  async destroyAll(): Promise<void> {
    this.expectingClose = true;
    this.stopLoops();
    await Promise.all(this.stations.map((s) => s?.destroy()));
  }

  /** Clean close of every connection. */
  async closeAll(graceMs = 3000): Promise<void> {
    this.expectingClose = true;
    this.stopLoops();
    await Promise.all(
      this.stations.map(async (s) => {
        if (!s) return;
        const timer = setTimeout(() => void s.destroy(), graceMs);
        await s.close().catch(() => undefined);
        clearTimeout(timer);
      }),
    );
  }

  /**
   * Boot storm: create `total` stations and connect them all at once (retrying refused connections like
   * chargers do), each booting and sending its statuses. Resolves when every station is done or `timeoutMs` passed.
   */
  async storm(total: number, timeoutMs: number): Promise<{ ms: number; done: number; accepted: number; perStation: { p50: number; p99: number; max: number }; connectRetries: number; connectFailures: number; bootFailures: number }> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    const perStation = new LatencyHistogram();
    let done = 0;
    const one = async (i: number) => {
      const station = this.create(i, total, false);
      try {
        this.connectRetries += await connectWithRetry(station, deadline, (t) => this.recorder.error(t));
      } catch {
        this.connectFailures++;
        return;
      }
      try {
        await station.runBootSequence();
        done++;
        perStation.record(performance.now() - started);
      } catch (err) {
        this.bootFailures++;
        this.recorder.error(`${station.id} boot: ${(err as Error).message}`);
      }
    };
    const all = Promise.all(Array.from({ length: total }, (_, i) => one(i)));
    await Promise.race([all, sleep(timeoutMs)]);
    const ms = Math.round(done === total ? perStation.max : performance.now() - started);
    return {
      ms,
      done,
      accepted: this.countAccepted(),
      perStation: { p50: Math.round(perStation.percentile(50)), p99: Math.round(perStation.percentile(99)), max: Math.round(perStation.max) },
      connectRetries: this.connectRetries,
      connectFailures: this.connectFailures,
      bootFailures: this.bootFailures,
    };
  }

  /** The connectors a churn of `sessions` sessions uses: idle connectors of open stations that run transactions. */
  private churnSlots(sessions: number): Array<{ loop: ChargingLoop; connectorId: number }> {
    const slots: Array<{ loop: ChargingLoop; connectorId: number }> = [];
    for (const loop of this.loops) {
      if (!loop || !loop.station.isOpen || !this.behaviour(loop.station.version).transactions) continue;
      for (let c = 1; c <= loop.station.connectors && slots.length < sessions; c++) slots.push({ loop, connectorId: c });
      if (slots.length >= sessions) break;
    }
    return slots;
  }

  /** The stations a churn of `sessions` sessions will use (to put them under the load balancer first). */
  churnStations(sessions: number): string[] {
    return [...new Set(this.churnSlots(sessions).map((s) => s.loop.station.id))];
  }

  /**
   * Session churn: `sessions` sessions on idle connectors (stations that run transactions) start together,
   * run `holdSec`, and stop together, `rounds` times. Returns how long each burst took, and the charging
   * profiles the stations got meanwhile (a live load balancer limits each new session): how many, how many
   * they accepted, and how long after the start of their round's start burst each arrived.
   */
  async churn(sessions: number, rounds: number, holdSec: number): Promise<ChurnResult> {
    const slots = this.churnSlots(sessions);
    const stations = [...new Set(slots.map((s) => s.loop.station))];
    const result = { sessions: slots.length, rounds, startBurstMs: [] as number[], stopBurstMs: [] as number[], started: 0, stopped: 0, failed: 0 };
    const profiles = { received: 0, accepted: 0, cleared: 0 };
    const afterStart = new LatencyHistogram();
    let roundStartedAt = performance.now();
    const onProfile = () => {
      profiles.received++;
      afterStart.record(performance.now() - roundStartedAt);
      profiles.accepted++;
      return { status: 'Accepted' };
    };
    const onClear = () => {
      profiles.cleared++;
      return { status: 'Accepted' };
    };
    for (const station of stations) station.onCall('SetChargingProfile', onProfile).onCall('ClearChargingProfile', onClear);
    try {
      for (let r = 0; r < rounds; r++) {
        roundStartedAt = performance.now();
        let t = roundStartedAt;
        const starts = await Promise.all(slots.map((s) => s.loop.startSession(s.connectorId)));
        result.startBurstMs.push(Math.round(performance.now() - t));
        result.started += starts.filter(Boolean).length;
        result.failed += starts.filter((x) => !x).length;
        await sleep(holdSec * 1000);
        t = performance.now();
        const stops = await Promise.all(slots.map((s) => s.loop.stopSession(s.connectorId)));
        result.stopBurstMs.push(Math.round(performance.now() - t));
        result.stopped += stops.filter(Boolean).length;
        result.failed += stops.filter((x, i) => !x && starts[i]).length;
      }
    } finally {
      for (const station of stations) station.offCall('SetChargingProfile').offCall('ClearChargingProfile');
    }
    const delay = (p: number) => Math.round(afterStart.percentile(p));
    return { ...result, profiles: { ...profiles, afterStartMs: profiles.received ? { p50: delay(50), p99: delay(99), max: Math.round(afterStart.max) } : null } };
  }
}
