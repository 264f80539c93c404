/**
 * The scenarios, run the same way against each server: a rising load (steady state and heavy are two of
 * its steps; capacity is where it stops being sustained), a boot storm after a restart, and session churn.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChurnResult, GeneratorClient, StormResult } from './generator-client.ts';
import type { LoadOptions, WindowStats } from './load-fleet.ts';
import { cpus } from 'node:os';
import { folderBytes, ProcMonitor, readSystemCpu, systemCpuPercent, type ProcSample } from './proc-stats.ts';
import { ServerProcess, type ServerKind, type ServerLaunch } from './server-process.ts';

export interface Step {
  name: string;
  stations: number;
  meterIntervalSec: number;
  windowSec: number;
}

export interface Plan {
  steps: Step[];
  /** Steps up to and including this one always run (they are required scenarios); later ones stop at the first failure. */
  alwaysRunThrough: string;
  stormStations: number;
  stormTimeoutMs: number;
  churnSessions: number;
  churnRounds: number;
  churnHoldSec: number;
  /** Stations connecting at once while the fleet grows between steps. */
  growConcurrency: number;
  /** Growing the fleet for a step stops after this long (the step then runs with fewer stations). */
  growTimeoutMs: number;
  /** Steps after `alwaysRunThrough` start only within this many seconds of the server's start (keeps the run under 10 minutes). */
  rampBudgetSec: number;
  settleSec: number;
  load: Omit<LoadOptions, 'url' | 'meterIntervalSec'>;
}

/** Capacity criteria of a step: p99 < 100 ms, nothing lost or refused, and the server kept up with the offered rate. */
export const CAPACITY_P99_MS = 100;

export interface ServerFigures {
  cpuPercent: number;
  /** Of cpuPercent: the main thread (event loop), and the worker threads (Ampyard's storage threads). */
  mainThreadCpuPercent: number;
  workerThreadsCpuPercent: number;
  rssMB: number;
  peakRssMB: number;
  threads: number;
  /** Written to storage by the server (database, WAL, logs), per second. */
  diskWriteMBPerSec: number;
}

export interface StepResult extends Step {
  growMs: number;
  /** Not every station could be connected and booted within growTimeoutMs. */
  growTimedOut: boolean;
  stats: WindowStats;
  server: ServerFigures;
  /** The database and its -wal/-shm (Ampyard only). */
  sqlite: { startBytes: number; endBytes: number; growthBytes: number; bytesPerThousandMessages: number } | null;
  /** CPU used by everything else on the machine during the window (% of one core): other programs disturb the figures. */
  otherCpuPercent: number;
  sustained: boolean;
  notSustainedBecause: string[];
  /** The load generator itself was short of CPU, so the step says little about the server. */
  generatorLimited: boolean;
}

export interface ServerRun {
  kind: ServerKind;
  readyMs: number;
  steps: StepResult[];
  capacity: { messagesPerSec: number; step: string | null; stations: number; meterIntervalSec: number; topOfRampReached: boolean; cutShortByTimeBudget: boolean };
  storm: (StormResult & { stats: WindowStats; server: ServerFigures; restartReadyMs: number; stopMs: number }) | null;
  churn: (ChurnResult & { stats: WindowStats; server: ServerFigures; controller: string }) | null;
  sqliteBytesAtEnd: number | null;
  answeredTotals: Record<string, number>;
  serverLog: { levels: Record<string, number>; tail: string[] };
  peakRssMB: number;
  errors: string[];
}

const MB = 1024 * 1024;

function serverFigures(monitor: ProcMonitor, from: ProcSample | undefined, to: ProcSample | undefined): ServerFigures {
  if (!from || !to) return { cpuPercent: 0, mainThreadCpuPercent: 0, workerThreadsCpuPercent: 0, rssMB: 0, peakRssMB: 0, threads: 0, diskWriteMBPerSec: 0 };
  const seconds = (to.at - from.at) / 1000;
  return {
    diskWriteMBPerSec: seconds > 0 ? Math.round(((to.writeBytes - from.writeBytes) / MB / seconds) * 10) / 10 : 0,
    cpuPercent: Math.round(ProcMonitor.cpuPercent(from, to)),
    mainThreadCpuPercent: Math.round(ProcMonitor.cpuPercent(from, to, 'mainCpuSec')),
    workerThreadsCpuPercent: Math.round(ProcMonitor.cpuPercent(from, to, 'workersCpuSec')),
    rssMB: Math.round(to.rssBytes / MB),
    peakRssMB: Math.round(Math.max(monitor.peakRss(from.at, to.at), to.rssBytes) / MB),
    threads: to.threads,
  };
}

function judge(step: Step, stats: WindowStats, growTimedOut: boolean): { sustained: boolean; reasons: string[]; generatorLimited: boolean } {
  const reasons: string[] = [];
  const f = stats.failures;
  if (stats.latency.p99 >= CAPACITY_P99_MS) reasons.push(`p99 ${stats.latency.p99} ms >= ${CAPACITY_P99_MS} ms`);
  if (f.timeouts > 0) reasons.push(`${f.timeouts} timeouts`);
  if (f.callErrors > 0) reasons.push(`${f.callErrors} CALLERRORs`);
  if (f.aborted > 0 || f.unexpectedCloses > 0) reasons.push(`${f.aborted} calls aborted, ${f.unexpectedCloses} connections dropped`);
  if (stats.stations.accepted < step.stations) reasons.push(`only ${stats.stations.accepted}/${step.stations} stations connected and accepted${growTimedOut ? ' (growing the fleet timed out)' : ''}`);
  if (stats.completedPerSec < 0.95 * stats.offeredPerSec) reasons.push(`answered ${stats.completedPerSec}/s of ${stats.offeredPerSec}/s offered`);
  // The generator's own event loop lagging or its core full means the stations sent late and measured late.
  const generatorLimited = stats.generator.loopDelayP99Ms > 50 || stats.generator.cpuPercent > 85;
  return { sustained: reasons.length === 0, reasons, generatorLimited };
}

export interface RunContext {
  generator: GeneratorClient;
  launch: ServerLaunch;
  /** Ampyard's data folder (for SQLite growth); null for the baseline. */
  dataDir: string | null;
  plan: Plan;
  log: (line: string) => void;
  /** Before the churn: put these stations under the server's load balancer (Ampyard only). */
  prepareChurn?: (httpBaseUrl: string, stationIds: string[]) => Promise<void>;
}

const isSqliteFile = (name: string) => name.includes('.sqlite');

export async function runServer(ctx: RunContext): Promise<ServerRun> {
  const { generator, plan, log, dataDir } = ctx;
  const kind = ctx.launch.kind;
  const sqliteBytes = () => (dataDir ? folderBytes(dataDir, isSqliteFile) : 0);
  let server = await ServerProcess.start(ctx.launch);
  log(`${kind}: ready in ${Math.round(server.readyMs)} ms on port ${server.port} (pid ${server.pid})`);
  const run: ServerRun = {
    kind,
    readyMs: Math.round(server.readyMs),
    steps: [],
    capacity: { messagesPerSec: 0, step: null, stations: 0, meterIntervalSec: 0, topOfRampReached: false, cutShortByTimeBudget: false },
    storm: null,
    churn: null,
    sqliteBytesAtEnd: null,
    answeredTotals: {},
    serverLog: { levels: {}, tail: [] },
    peakRssMB: 0,
    errors: [],
  };
  const monitors: ProcMonitor[] = [];
  let firstLog: ServerRun['serverLog'] = { levels: {}, tail: [] };
  try {
    await generator.configure({ ...plan.load, url: server.url, meterIntervalSec: plan.steps[0]!.meterIntervalSec });
    /** One window at `step`'s rate with the fleet as it is: what the stations saw, what the server used. */
    const measure = async (step: Step, grown: { ms: number; timedOut: boolean }): Promise<StepResult> => {
      await sleep(plan.settleSec * 1000);
      const monitor = server.monitor!;
      const from = monitor.sample();
      const systemFrom = readSystemCpu();
      const bytesFrom = sqliteBytes();
      const stats = await generator.window(step.windowSec);
      const to = monitor.sample();
      const systemTo = readSystemCpu();
      const bytesTo = sqliteBytes();
      const verdict = judge(step, stats, grown.timedOut);
      const answered = stats.completedPerSec * stats.seconds;
      const figures = serverFigures(monitor, from, to);
      const result: StepResult = {
        ...step,
        growMs: grown.ms,
        growTimedOut: grown.timedOut,
        stats,
        server: figures,
        otherCpuPercent: Math.max(0, systemCpuPercent(systemFrom, systemTo, cpus().length) - figures.cpuPercent - stats.generator.cpuPercent),
        sqlite: dataDir
          ? {
              startBytes: bytesFrom,
              endBytes: bytesTo,
              growthBytes: bytesTo - bytesFrom,
              bytesPerThousandMessages: answered > 0 ? Math.round(((bytesTo - bytesFrom) / answered) * 1000) : 0,
            }
          : null,
        sustained: verdict.sustained,
        notSustainedBecause: verdict.reasons,
        generatorLimited: verdict.generatorLimited,
      };
      run.steps.push(result);
      log(
        `${kind} ${step.name}: ${stats.stations.accepted}/${step.stations} stations, ${stats.completedPerSec} msg/s answered ` +
          `(offered ${stats.offeredPerSec}/s), p50 ${stats.latency.p50} p99 ${stats.latency.p99} max ${stats.latency.max} ms, ` +
          `server CPU ${result.server.cpuPercent}% RSS ${result.server.rssMB} MB, generator CPU ${stats.generator.cpuPercent}%, other programs ${result.otherCpuPercent}%` +
          `${verdict.sustained ? '' : ` — not sustained: ${verdict.reasons.join('; ')}`}`,
      );
      // Capacity: the highest rate of any sustained step. Steps up to "heavy" always run; after it the ramp stops at the first failure.
      if (verdict.sustained && stats.completedPerSec > run.capacity.messagesPerSec) {
        run.capacity = { ...run.capacity, messagesPerSec: stats.completedPerSec, step: step.name, stations: step.stations, meterIntervalSec: step.meterIntervalSec };
      }
      return result;
    };
    let mustRun = true;
    let lastSustained = true;
    const runStarted = performance.now();
    for (const step of plan.steps) {
      if (!mustRun && !lastSustained) break;
      if (!mustRun && performance.now() - runStarted > plan.rampBudgetSec * 1000) {
        run.capacity.cutShortByTimeBudget = true;
        log(`${kind}: time budget for the ramp used up; stopping before ${step.name}`);
        break;
      }
      const grown = await generator.grow(step.stations, plan.growConcurrency, plan.growTimeoutMs);
      await generator.setMeterInterval(step.meterIntervalSec);
      let result = await measure(step, grown);
      // A step that would end the ramp is measured once more, straight away: on a 2-core machine shared with the
      // load generator, one stall (a disk flush, a collection) can push a window's p99 over the line. Both
      // windows are reported; the ramp ends if the second fails too.
      const wouldEnd = !result.sustained && (!mustRun || step.name === plan.alwaysRunThrough);
      if (wouldEnd && performance.now() - runStarted <= plan.rampBudgetSec * 1000) {
        log(`${kind} ${step.name}: measuring again`);
        result = await measure({ ...step, name: `${step.name} again` }, { ms: 0, timedOut: grown.timedOut });
      }
      lastSustained = result.sustained;
      if (step.name === plan.alwaysRunThrough) mustRun = false;
    }
    run.capacity.topOfRampReached = lastSustained && !run.capacity.cutShortByTimeBudget;

    // A ramp-only run (stormStations 0) measures capacity alone.
    if (plan.stormStations > 0) {
      // Boot storm: restart the server under the connected fleet; every station reconnects and boots at once.
      await generator.expectClose();
      const stopped = await server.stop();
      monitors.push(server.monitor!);
      firstLog = { levels: { ...server.logLevels }, tail: [...server.logTail] };
      run.peakRssMB = Math.max(run.peakRssMB, Math.round(server.monitor!.peakRss(0, Infinity) / MB));
      server = await ServerProcess.start(ctx.launch);
      log(`${kind}: restarted (stop took ${stopped.ms} ms, ready in ${Math.round(server.readyMs)} ms); boot storm of ${plan.stormStations} stations`);
      const stormFrom = server.monitor!.sample();
      const storm = await generator.storm(server.url, plan.stormStations, plan.stormTimeoutMs);
      const stormStats = await generator.endWindow();
      const stormTo = server.monitor!.sample();
      run.storm = { ...storm, stats: stormStats, server: serverFigures(server.monitor!, stormFrom, stormTo), restartReadyMs: Math.round(server.readyMs), stopMs: stopped.ms };
      log(
        `${kind} boot storm: ${storm.done}/${plan.stormStations} accepted with statuses in ${(storm.ms / 1000).toFixed(1)} s ` +
          `(connect retries ${storm.connectRetries}, failures ${storm.connectFailures + storm.bootFailures}), server CPU ${run.storm.server.cpuPercent}% peak RSS ${run.storm.server.peakRssMB} MB`,
      );

      // Session churn on the stormed fleet (its meter loops are off: starts and stops only).
      let controllerSetup: string | null = null;
      if (ctx.prepareChurn) {
        const stationIds = await generator.churnStations(plan.churnSessions);
        try {
          await ctx.prepareChurn(`http://127.0.0.1:${server.port}`, stationIds);
          controllerSetup = `${stationIds.length} stations on one circuit`;
        } catch (error) {
          controllerSetup = `could not configure the load balancer: ${(error as Error).message}`;
        }
        log(`${kind}: load balancer for the churn: ${controllerSetup}`);
      }
      await generator.beginWindow();
      const churnFrom = server.monitor!.sample();
      const churn = await generator.churn(plan.churnSessions, plan.churnRounds, plan.churnHoldSec);
      const churnStats = await generator.endWindow();
      const churnTo = server.monitor!.sample();
      const controller = describeController(churn.profiles, controllerSetup);
      run.churn = { ...churn, stats: churnStats, server: serverFigures(server.monitor!, churnFrom, churnTo), controller };
      log(
        `${kind} churn: ${churn.sessions} sessions x ${churn.rounds} rounds, start bursts ${churn.startBurstMs.join('/')} ms, ` +
          `stop bursts ${churn.stopBurstMs.join('/')} ms, p99 ${churnStats.latency.p99} ms; balancer ${controller}`,
      );

    }

    run.answeredTotals = await generator.totals();
    await generator.closeAll();
  } catch (err) {
    run.errors.push((err as Error).message);
    log(`${kind}: run failed: ${(err as Error).message}`);
    await generator.destroyAll().catch(() => undefined);
  } finally {
    if (server.monitor) monitors.push(server.monitor);
    await server.stop();
    for (const m of monitors) run.peakRssMB = Math.max(run.peakRssMB, Math.round(m.peakRss(0, Infinity) / MB));
    const levels = { ...firstLog.levels };
    for (const [level, n] of Object.entries(server.logLevels)) levels[level] = (levels[level] ?? 0) + n;
    run.serverLog = { levels, tail: [...firstLog.tail, ...server.logTail].slice(-20) };
    if (dataDir) run.sqliteBytesAtEnd = sqliteBytes();
  }
  return run;
}

/** What the load balancer did during the churn, for the report. */
function describeController(profiles: ChurnResult['profiles'], setup: string | null): string {
  const where = setup ? ` (${setup})` : '';
  if (profiles.received === 0 && profiles.cleared === 0) return `no charging profiles sent during the churn${where}`;
  const delay = profiles.afterStartMs ? `; received ${profiles.afterStartMs.p50} ms (p50), ${profiles.afterStartMs.p99} ms (p99), ${profiles.afterStartMs.max} ms (max) after the start of their round's start burst` : '';
  return `live${where}: ${profiles.received} SetChargingProfile sent, ${profiles.accepted} accepted, ${profiles.cleared} ClearChargingProfile${delay}`;
}
