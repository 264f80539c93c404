/**
 * A fleet of simulated stations: start N (mixed versions) with a concurrency limit, boot them,
 * and collect per-action latency and outcome counts. Built for thousands of stations in one
 * process: no per-message logging, latency kept in fixed-size log histograms, station counts
 * computed on demand. Each station keeps one heartbeat timer; Node groups timers of equal
 * duration into one timer list, so that stays cheap.
 */
import { performance } from 'node:perf_hooks';
import {
  SimStation,
  type BootSequenceOptions,
  type CallCompletion,
  type CloseInfo,
  type OcppVersion,
  type SimStationOptions,
} from './station.ts';

// ---------------------------------------------------------------------------------------------
// Latency histogram: log buckets with 1% relative width from 1 µs to ~2.8 h, fixed memory.

const HIST_MIN_MS = 0.001;
const HIST_GROWTH = 1.01;
const HIST_LOG_GROWTH = Math.log(HIST_GROWTH);
const HIST_BUCKETS = 2 + Math.ceil(Math.log(1e7 / HIST_MIN_MS) / HIST_LOG_GROWTH);

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(HIST_BUCKETS);
  count = 0;
  sum = 0;
  max = 0;
  min = Infinity;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
    const i = ms <= HIST_MIN_MS ? 0 : Math.min(HIST_BUCKETS - 1, 1 + Math.floor(Math.log(ms / HIST_MIN_MS) / HIST_LOG_GROWTH));
    this.buckets[i]!++;
  }

  /** Value at percentile p (0..100), accurate to ~1% (bucket upper bound, clamped to [min, max]). 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < HIST_BUCKETS; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) {
        const upper = i === 0 ? HIST_MIN_MS : HIST_MIN_MS * Math.pow(HIST_GROWTH, i);
        return Math.min(this.max, Math.max(this.min, upper));
      }
    }
    return this.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Infinity;
  }
}

// ---------------------------------------------------------------------------------------------

export interface FleetOptions {
  /** Base websocket URL, e.g. ws://127.0.0.1:8080/ocpp. */
  url: string;
  /** Number of stations. */
  stations: number;
  /** Versions assigned round-robin (station i gets versions[i % n]). Default ['1.6']. */
  versions?: OcppVersion[];
  /** Station ids are `${idPrefix}-${zero-padded index from 1}`. Default 'SIM'. */
  idPrefix?: string;
  /** Max stations connecting/booting at the same time during start(). Default 50. */
  concurrency?: number;
  connectors?: number;
  callTimeoutMs?: number;
  /** Heartbeat interval override (seconds); default: the server's boot interval. */
  heartbeatIntervalSec?: number;
  password?: string | ((id: string, index: number) => string | undefined);
  /** Boot sequence options, fixed or per station. */
  boot?: BootSequenceOptions | ((station: SimStation, index: number) => BootSequenceOptions);
  /** Per-station option overrides. */
  stationOptions?: (index: number, id: string) => Partial<SimStationOptions>;
  /** Called for each station right after it is created, before it connects (attach listeners, onCall handlers). */
  onStation?: (station: SimStation, index: number) => void;
  /** Only open the websockets; no boot sequence. */
  connectOnly?: boolean;
  /** How many recent error texts to keep. Default 20. */
  maxRecentErrors?: number;
}

export interface ActionStats {
  count: number;
  ok: number;
  callErrors: number;
  timeouts: number;
  /** Failed because the connection closed/went silent (includes never-sent queued calls). */
  aborted: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface FleetSnapshot {
  elapsedSec: number;
  stations: {
    /** Stations created so far. */
    total: number;
    target: number;
    connected: number;
    silent: number;
    accepted: number;
    pending: number;
    rejected: number;
    /** Connected but no boot answer yet. */
    notBooted: number;
    connectFailed: number;
    bootFailed: number;
    /** Closes the station did not initiate (server closed, network). */
    unexpectedCloses: number;
  };
  /** Per action, the station's own CALLs. Latencies in ms, send → answer. */
  calls: Record<string, ActionStats>;
  totalCalls: number;
  totalCallFailures: number;
  /** CALLs received from the CSMS, per action. */
  incomingCalls: Record<string, number>;
  protocolErrors: number;
  errors: { count: number; recent: string[] };
  startup: { durationMs: number | null; maxInFlight: number };
}

interface ActionAcc {
  hist: LatencyHistogram;
  count: number;
  ok: number;
  callErrors: number;
  timeouts: number;
  aborted: number;
}

export function stationId(prefix: string, index: number, total: number): string {
  const width = Math.max(4, String(total).length);
  return `${prefix}-${String(index + 1).padStart(width, '0')}`;
}

export class Fleet {
  readonly options: FleetOptions;
  /** Stations in index order (sparse while start() is running). */
  readonly stations: SimStation[] = [];

  private readonly actions = new Map<string, ActionAcc>();
  private readonly incoming = new Map<string, number>();
  private protocolErrors = 0;
  private errorCount = 0;
  private recentErrors: string[] = [];
  private connectFailed = 0;
  private bootFailed = 0;
  private unexpectedCloses = 0;
  private stopping = false;
  private startedAt = performance.now();
  private startupMs: number | null = null;
  private inFlight = 0;
  private maxInFlight = 0;
  private created = 0;

  constructor(options: FleetOptions) {
    if (!(options.stations >= 0)) throw new TypeError('stations must be a number >= 0');
    this.options = options;
  }

  /**
   * Create, connect and boot every station, at most `concurrency` at a time. A station counts as
   * started once it is Accepted with statuses sent, got a Pending/Rejected first answer (it keeps
   * retrying in the background), or failed. Resolves with a snapshot; failures are counted, not thrown.
   */
  async start(): Promise<FleetSnapshot> {
    const n = this.options.stations;
    const concurrency = Math.max(1, this.options.concurrency ?? 50);
    this.startedAt = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < n && !this.stopping) {
        const i = next++;
        this.inFlight++;
        if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
        try {
          await this.startOne(i);
        } finally {
          this.inFlight--;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    this.startupMs = performance.now() - this.startedAt;
    return this.snapshot();
  }

  private async startOne(i: number): Promise<void> {
    const o = this.options;
    const versions = o.versions && o.versions.length > 0 ? o.versions : (['1.6'] as OcppVersion[]);
    const id = stationId(o.idPrefix ?? 'SIM', i, o.stations);
    const stationOptions: SimStationOptions = {
      url: o.url,
      id,
      version: versions[i % versions.length]!,
      ...(o.connectors !== undefined ? { connectors: o.connectors } : {}),
      ...(o.callTimeoutMs !== undefined ? { callTimeoutMs: o.callTimeoutMs } : {}),
      ...(o.heartbeatIntervalSec !== undefined ? { heartbeatIntervalSec: o.heartbeatIntervalSec } : {}),
      ...o.stationOptions?.(i, id),
    };
    const password = typeof o.password === 'function' ? o.password(id, i) : o.password;
    if (password !== undefined && stationOptions.password === undefined) stationOptions.password = password;

    const station = new SimStation(stationOptions);
    this.stations[i] = station;
    this.created++;
    this.attach(station);
    o.onStation?.(station, i);

    try {
      await station.connect();
    } catch (err) {
      this.connectFailed++;
      this.recordError(`${id} connect: ${(err as Error).message}`);
      return;
    }
    if (o.connectOnly || this.stopping) return;

    const bootOptions = typeof o.boot === 'function' ? o.boot(station, i) : o.boot;
    const seq = station.runBootSequence(bootOptions);
    await new Promise<void>((resolve) => {
      const onBoot = (res: { status: string }) => {
        if (res.status !== 'Accepted') done();
      };
      const done = () => {
        station.off('boot', onBoot);
        resolve();
      };
      station.on('boot', onBoot);
      seq.then(done, (err: Error) => {
        if (!this.stopping) {
          this.bootFailed++;
          this.recordError(`${id} boot: ${err.message}`);
        }
        done();
      });
    });
  }

  private attach(station: SimStation): void {
    station.on('callComplete', (info) => this.recordCall(info));
    station.on('call', (call) => this.incoming.set(call.action, (this.incoming.get(call.action) ?? 0) + 1));
    station.on('protocolError', (message, frame) => {
      this.protocolErrors++;
      this.recordError(`${station.id} protocol: ${message}: ${frame.slice(0, 200)}`);
    });
    station.on('error', (err) => this.recordError(`${station.id} socket: ${err.message}`));
    station.on('close', (info: CloseInfo) => {
      if (!info.initiatedByStation && !this.stopping) {
        this.unexpectedCloses++;
        this.recordError(`${station.id} closed by peer: ${info.code}${info.reason ? ' ' + info.reason : ''}`);
      }
    });
  }

  private recordCall(info: CallCompletion): void {
    let acc = this.actions.get(info.action);
    if (!acc) {
      acc = { hist: new LatencyHistogram(), count: 0, ok: 0, callErrors: 0, timeouts: 0, aborted: 0 };
      this.actions.set(info.action, acc);
    }
    acc.count++;
    if (info.ok) {
      acc.ok++;
      acc.hist.record(info.latencyMs);
      return;
    }
    if (info.error === 'callerror') {
      acc.callErrors++;
      acc.hist.record(info.latencyMs);
      this.recordError(`${info.action} CALLERROR ${info.errorCode ?? ''}`);
    } else if (info.error === 'timeout') {
      acc.timeouts++;
      this.recordError(`${info.action} timeout`);
    } else {
      acc.aborted++;
      if (!this.stopping) this.recordError(`${info.action} aborted (${info.error ?? 'unknown'})`);
    }
  }

  private recordError(text: string): void {
    this.errorCount++;
    this.recentErrors.push(text);
    const max = this.options.maxRecentErrors ?? 20;
    if (this.recentErrors.length > max) this.recentErrors.splice(0, this.recentErrors.length - max);
  }

  /** Clear latency/counter statistics (e.g. after a warm-up); station state is kept. */
  resetStats(): void {
    this.actions.clear();
    this.incoming.clear();
    this.protocolErrors = 0;
    this.errorCount = 0;
    this.recentErrors = [];
    this.unexpectedCloses = 0;
  }

  snapshot(): FleetSnapshot {
    let connected = 0;
    let silent = 0;
    let accepted = 0;
    let pending = 0;
    let rejected = 0;
    let notBooted = 0;
    for (const s of this.stations) {
      if (!s) continue;
      if (s.isSilent) silent++;
      else if (s.isOpen) {
        connected++;
        if (s.registration === null) notBooted++;
      }
      if (s.registration === 'Accepted') accepted++;
      else if (s.registration === 'Pending') pending++;
      else if (s.registration === 'Rejected') rejected++;
    }
    const calls: Record<string, ActionStats> = {};
    let totalCalls = 0;
    let totalCallFailures = 0;
    for (const [action, a] of [...this.actions.entries()].sort((x, y) => x[0].localeCompare(y[0]))) {
      totalCalls += a.count;
      totalCallFailures += a.count - a.ok;
      calls[action] = {
        count: a.count,
        ok: a.ok,
        callErrors: a.callErrors,
        timeouts: a.timeouts,
        aborted: a.aborted,
        p50: a.hist.percentile(50),
        p95: a.hist.percentile(95),
        p99: a.hist.percentile(99),
        max: a.hist.max,
        mean: a.hist.mean,
      };
    }
    return {
      elapsedSec: (performance.now() - this.startedAt) / 1000,
      stations: {
        total: this.created,
        target: this.options.stations,
        connected,
        silent,
        accepted,
        pending,
        rejected,
        notBooted,
        connectFailed: this.connectFailed,
        bootFailed: this.bootFailed,
        unexpectedCloses: this.unexpectedCloses,
      },
      calls,
      totalCalls,
      totalCallFailures,
      incomingCalls: Object.fromEntries(this.incoming),
      protocolErrors: this.protocolErrors,
      errors: { count: this.errorCount, recent: [...this.recentErrors] },
      startup: { durationMs: this.startupMs, maxInFlight: this.maxInFlight },
    };
  }

  /** Close every station (clean close, destroyed after `graceMs` if the server does not answer). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.stations.map(async (s) => {
        if (!s) return;
        s.stopHeartbeat();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            void s.destroy();
            resolve();
          }, graceMs);
        });
        await Promise.race([s.close().then(() => undefined, () => undefined), timeout]);
        clearTimeout(timer);
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting (CLI / benchmarks)

function ms(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(2)}s`;
  if (v >= 10) return `${v.toFixed(0)}ms`;
  return `${v.toFixed(1)}ms`;
}

/** One line: stations, registration, call counts, latency of the busiest actions. */
export function formatStatusLine(s: FleetSnapshot): string {
  const st = s.stations;
  const parts = [
    `t=${s.elapsedSec.toFixed(0)}s`,
    `stations ${st.connected}/${st.target} up`,
    `acc ${st.accepted} pend ${st.pending} rej ${st.rejected}`,
  ];
  if (st.connectFailed || st.bootFailed || st.unexpectedCloses || st.silent) {
    parts.push(`connFail ${st.connectFailed} bootFail ${st.bootFailed} dropped ${st.unexpectedCloses}${st.silent ? ` silent ${st.silent}` : ''}`);
  }
  parts.push(`calls ${s.totalCalls} fail ${s.totalCallFailures}`);
  const top = Object.entries(s.calls)
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, 3)
    .map(([action, a]) => `${action} p50 ${ms(a.p50)} p99 ${ms(a.p99)}`);
  if (top.length) parts.push(top.join(', '));
  if (s.protocolErrors) parts.push(`protoErr ${s.protocolErrors}`);
  return parts.join(' | ');
}

/** Multi-line summary with a latency table. */
export function formatSummary(s: FleetSnapshot): string {
  const st = s.stations;
  const lines = [
    `stations: ${st.total}/${st.target} created, ${st.connected} connected, accepted ${st.accepted}, pending ${st.pending}, rejected ${st.rejected}, ` +
      `connect failed ${st.connectFailed}, boot failed ${st.bootFailed}, dropped by peer ${st.unexpectedCloses}`,
  ];
  if (s.startup.durationMs !== null) lines.push(`startup: ${ms(s.startup.durationMs)} (max ${s.startup.maxInFlight} in flight)`);
  lines.push('action                        count      ok  callerr timeout aborted     p50     p95     p99     max');
  for (const [action, a] of Object.entries(s.calls)) {
    lines.push(
      `${action.padEnd(28)} ${String(a.count).padStart(6)} ${String(a.ok).padStart(7)} ${String(a.callErrors).padStart(8)} ` +
        `${String(a.timeouts).padStart(7)} ${String(a.aborted).padStart(7)} ${ms(a.p50).padStart(7)} ${ms(a.p95).padStart(7)} ` +
        `${ms(a.p99).padStart(7)} ${ms(a.max).padStart(7)}`,
    );
  }
  const incoming = Object.entries(s.incomingCalls);
  if (incoming.length) lines.push(`from CSMS: ${incoming.map(([a, n]) => `${a} ${n}`).join(', ')}`);
  lines.push(`errors: ${s.errors.count}, protocol errors: ${s.protocolErrors}`);
  for (const e of s.errors.recent) lines.push(`  ${e}`);
  return lines.join('\n');
}
