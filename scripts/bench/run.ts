/**
 * npm run bench: Ampyard's built executable and a bare `ws` baseline under the same simulated load,
 * on 127.0.0.1, in one run. See scripts/bench/README.md.
 *
 *   npm run bench [-- --quick] [-- --ramp-only | --steady-only] [-- --only ampyard|baseline|reference] [-- --profile] [-- --no-build] [-- --keep-data] [-- --executable FILE]
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { ensureExecutable, executablePath } from './build-check.ts';
import { GeneratorClient } from './generator-client.ts';
import { describeMachine } from './machine.ts';
import { extractBundle, formatProfile, summariseProfile } from './profile-summary.ts';
import { formatReport, type Results } from './report.ts';
import { runServer, type Plan } from './scenarios.ts';
import { ampyardLaunch, baselineLaunch, killStartedServers, referenceLaunch, ServerProcess } from './server-process.ts';
import { createApiToken, putStationsOnCircuit } from './site-setup.ts';
import { capacityRatio, judgeTargets, type ColdStart } from './targets.ts';
import type { ProbeResult } from './load-generator.ts';
import type { OcppVersion } from '../sim/station.ts';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

/** The churn's circuit allows this much per session: less than the 32 A an EVSE could draw, so the balancer must share. */
const CHURN_AMPS_PER_SESSION = 10;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'ramp-only': { type: 'boolean', default: false },
    'steady-only': { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    executable: { type: 'string' },
  },
});

const VERSIONS: OcppVersion[] = ['1.6', '1.6', '1.6', '2.0.1'];
const HEAVY_STATIONS = 5000;

function fullPlan(): Plan {
  const step = (stations: number, meterIntervalSec: number, windowSec = 10, name = `${stations}@${meterIntervalSec}s`) => ({ name, stations, meterIntervalSec, windowSec });
  return {
    steps: [
      step(1000, 10, 20, 'steady'),
      step(1000, 5, 8),
      step(2500, 5, 8),
      step(3500, 5, 8),
      step(HEAVY_STATIONS, 5, 20, 'heavy'),
      step(HEAVY_STATIONS, 4, 8),
      step(HEAVY_STATIONS, 3, 8),
      step(HEAVY_STATIONS, 2, 8),
      step(HEAVY_STATIONS, 1.5, 8),
      // 1.5 s to 1 s is a 50 % jump in offered rate; this step halves how coarsely capacity is measured there.
      step(HEAVY_STATIONS, 1.25, 8),
      step(HEAVY_STATIONS, 1, 8),
      // 1 s to 0.7 s is a 43 % jump; with the ratio target at about the 1 s step, a step between tells 50 % from 60 %.
      step(HEAVY_STATIONS, 0.85, 8),
      step(HEAVY_STATIONS, 0.7, 8),
      step(HEAVY_STATIONS, 0.5, 8),
      // Only a server that sustains 0.5 s (the bare baseline) gets here: its ceiling, or the load generator's
      // (marked), instead of a lower bound that makes every ratio an upper bound.
      step(HEAVY_STATIONS, 0.4, 8),
      step(HEAVY_STATIONS, 0.33, 8),
    ],
    alwaysRunThrough: 'heavy',
    stormStations: HEAVY_STATIONS,
    stormTimeoutMs: 60_000,
    churnSessions: 500,
    churnRounds: 2,
    churnHoldSec: 3,
    growConcurrency: 100,
    growTimeoutMs: 45_000,
    rampBudgetSec: 215,
    settleSec: 3,
    load: {
      idPrefix: 'BENCH',
      versions: VERSIONS,
      behaviour: {},
      connectors: 2,
      heartbeatSec: 60,
      callTimeoutMs: 10_000,
      sessionSec: [60, 180],
      idleSec: [5, 20],
    },
  };
}

/** A two-minute smoke run of the same machinery with small numbers. */
function quickPlan(): Plan {
  const plan = fullPlan();
  plan.steps = [
    { name: 'steady', stations: 100, meterIntervalSec: 10, windowSec: 5 },
    { name: 'heavy', stations: 300, meterIntervalSec: 5, windowSec: 5 },
    { name: '300@1s', stations: 300, meterIntervalSec: 1, windowSec: 5 },
  ];
  plan.stormStations = 300;
  plan.stormTimeoutMs = 20_000;
  plan.churnSessions = 50;
  plan.churnRounds = 1;
  plan.churnHoldSec = 1;
  plan.settleSec = 2;
  return plan;
}

/** The top of the ramp alone (a few minutes less than a full run), for comparing changes to the hot path. */
function rampOnlyPlan(): Plan {
  const plan = fullPlan();
  plan.steps = plan.steps.filter((s) => s.name === 'heavy' || (s.stations === HEAVY_STATIONS && s.meterIntervalSec <= 2));
  plan.stormStations = 0;
  return plan;
}

/** The steady-state steps alone (1,000 stations, a minute), for the latency target. */
function steadyOnlyPlan(): Plan {
  const plan = fullPlan();
  plan.steps = plan.steps.filter((s) => s.stations === 1000);
  plan.stormStations = 0;
  return plan;
}

function log(line: string): void {
  process.stdout.write(`bench: ${line}\n`);
}

function mix(probe: ProbeResult): string[] {
  const share = (v: string) => `${Math.round((VERSIONS.filter((x) => x === v).length / VERSIONS.length) * 100)} %`;
  const out: string[] = [];
  for (const version of [...new Set(VERSIONS)]) {
    const b = probe.behaviour[version];
    const what = !b
      ? 'not probed'
      : b.transactions
        ? `transactions (${version === '1.6' ? 'StartTransaction/MeterValues/StopTransaction' : 'TransactionEvent Started/Updated/Ended'})${b.meterValues ? ' and MeterValues between sessions' : ''}, status, heartbeat`
        : b.meterValues
          ? 'boot, status, heartbeat and MeterValues (no transactions)'
          : 'boot, status and heartbeat only';
    out.push(`OCPP ${version} stations (${share(version)}): ${what}`);
  }
  for (const n of probe.notes) out.push(`server answered: ${n} — so that traffic is left out of the load for both servers`);
  return out;
}

/** Spawn to "ready" of the executable: on an empty data folder, then twice more on the same folder. */
async function coldStarts(executable: string, dataDir: string, generator: GeneratorClient, versions: OcppVersion[]): Promise<{ cold: ColdStart; probe: ProbeResult }> {
  const runsMs: number[] = [];
  const selfReportedMs: Array<number | null> = [];
  let probe: ProbeResult = { behaviour: {}, notes: [] };
  for (let i = 0; i < 3; i++) {
    const server = await ServerProcess.start(ampyardLaunch(executable, dataDir));
    runsMs.push(Math.round(server.readyMs));
    selfReportedMs.push(server.selfReportedMs);
    if (i === 0) probe = await generator.probe(server.url, [...new Set(versions)]);
    await server.stop();
  }
  return { cold: { runsMs, selfReportedMs, maxMs: Math.max(...runsMs) }, probe };
}

function persistenceCheck(dataDir: string, totals: Record<string, number>): Results['persistence'] {
  const db = new BetterSqlite3(join(dataDir, 'ampyard.sqlite'), { readonly: true, fileMustExist: true });
  // Meter values have a file of their own (src/storage/meter-values); an executable from before keeps them in the main one.
  if (existsSync(join(dataDir, 'meter-values.sqlite'))) db.prepare('ATTACH DATABASE ? AS meter').run(join(dataDir, 'meter-values.sqlite'));
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const meterValueRows = count('meter_values');
    const transactionRows = count('transactions');
    // Every MeterValues and TransactionEvent the load sends carries exactly one sample.
    const meterValuesAnswered = (totals['MeterValues'] ?? 0) + (totals['TransactionEvent'] ?? 0);
    // 1.6 StartTransaction and 2.x TransactionEvent Started, as the stations' charging loops counted them.
    const startsAnswered = totals['sessionsStarted'] ?? 0;
    return {
      meterValuesAnswered,
      meterValueRows,
      startsAnswered,
      transactionRows,
      ok: meterValueRows >= meterValuesAnswered && transactionRows >= startsAnswered,
      note: 'counted after the run: rows in meter_values and transactions vs CALLRESULTs the stations received',
    };
  } finally {
    db.close();
  }
}

/** Which sources were measured: the commit, and whether the working tree had changes on top of it. */
function sourceState(): { commit: string | null; modifiedFiles: number | null } {
  const git = (...gitArgs: string[]) => spawnSync('git', gitArgs, { cwd: fileURLToPath(new URL('../../', import.meta.url)), encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    modifiedFiles: status.status === 0 ? status.stdout.split('\n').filter(Boolean).length : null,
  };
}

/** Main-thread profiles only (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile, thread 0): the storage worker writes its own. */
function mainThreadProfiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort() : [];
}


async function main(): Promise<void> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const plan = args.quick ? quickPlan() : args['ramp-only'] ? rampOnlyPlan() : args['steady-only'] ? steadyOnlyPlan() : fullPlan();
  const only = args.only ?? (args.profile ? 'ampyard' : undefined);
  if (only !== undefined && only !== 'ampyard' && only !== 'baseline' && only !== 'reference') throw new Error('--only takes ampyard, baseline or reference');
  const notes: string[] = [];

  if (!process.version.startsWith('v24.')) notes.push(`run on Node ${process.version}; the project pins Node 24 (use npm run bench)`);
  const maxStations = Math.max(...plan.steps.map((s) => s.stations), plan.stormStations);
  const needFiles = maxStations + 1024;
  if (machine.openFilesLimit !== null && machine.openFilesLimit < needFiles) {
    throw new Error(`the open files limit is ${machine.openFilesLimit}; ${maxStations} stations need at least ${needFiles}. Raise it first: ulimit -n ${needFiles * 2}`);
  }
  log(
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGB} GB, Node ${machine.node}, open files ${machine.openFilesLimit}, ` +
      `load average ${machine.loadAverage}, fdatasync p50 ${machine.fsyncMs.p50} ms p99 ${machine.fsyncMs.p99} ms`,
  );
  if (machine.loadAverage > 0.5 * machine.cores) {
    notes.push(`the machine was busy when the run started (load average ${machine.loadAverage} on ${machine.cores} cores): other programs compete with the server and the load generator; see the other% column`);
    log(`WARNING: ${notes.at(-1)}`);
  }

  const executable = args.executable ? resolve(args.executable) : executablePath;
  const build = args.executable
    ? { built: false, reason: `measuring ${executable} (--executable)`, ms: 0 }
    : args['no-build']
      ? { built: false, reason: 'build check skipped (--no-build)', ms: 0 }
      : ensureExecutable(log);
  if (!existsSync(executable)) throw new Error(`${executable} is missing; run npm run build`);
  log(build.reason);
  if ('warning' in build && build.warning) log(`WARNING: ${build.warning}`);

  const tempRoot = mkdtempSync(join(tmpdir(), 'ampyard-bench-'));
  // A fresh load-generator process for each server measured: one that had already driven (and dropped) a
  // fleet against the previous server carried its leftovers (~100 MB more heap, longer GC pauses) into the next
  // server's run, and so burdened whichever server ran second.
  let generator = new GeneratorClient();
  const freshGenerator = async (): Promise<GeneratorClient> => {
    await generator.exit();
    generator = new GeneratorClient();
    return generator;
  };
  const interrupted = (signal: string) => {
    killStartedServers();
    generator.kill();
    if (!args['keep-data']) rmSync(tempRoot, { recursive: true, force: true });
    process.stderr.write(`bench: interrupted (${signal})\n`);
    process.exit(130);
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));
  const results: Results = {
    startedAt,
    durationSec: 0,
    machine,
    source: sourceState(),
    build,
    load: { description: '', mix: [], windows: '' },
    runs: {},
    capacityRatio: null,
    balancer: existsSync(join(benchDir, 'balancer', 'run.ts'))
      ? 'scripts/bench/balancer/run.ts exists: the controller\'s own benchmark runs separately (node scripts/bench/balancer/run.ts)'
      : 'controller not yet available: the churn ran without a live load balancer (no charging profiles expected)',
    targets: [],
    notes,
  };
  try {
    const { cold, probe } = await coldStarts(executable, join(tempRoot, 'cold-start'), generator, VERSIONS);
    results.coldStart = cold;
    log(`cold start (spawn to ready): ${cold.runsMs.join(', ')} ms`);
    if (probe.notes.some((n) => n.includes('could not boot'))) {
      throw new Error(`Ampyard did not accept the probe stations, so there is nothing to measure:\n  ${probe.notes.join('\n  ')}`);
    }
    plan.load.behaviour = probe.behaviour;
    const l = plan.load;
    results.load = {
      description:
        `${[...new Set(l.versions)].join(' + ')} stations (${l.versions.join(':')} round-robin), ${l.connectors} connectors each, heartbeat every ${l.heartbeatSec} s, ` +
        `sessions ${l.sessionSec.join('-')} s with ${l.idleSec.join('-')} s idle between, one meter value per connector per interval, ` +
        `call timeout ${l.callTimeoutMs / 1000} s; one load-generator process, a fresh one for each server; Ampyard runs as ${['build/ampyard', ...ampyardLaunch(executable, '<fresh data folder>').args.slice(4)].join(' ')}`,
      mix: mix(probe),
      windows:
        plan.steps.map((s) => `${s.name} ${s.windowSec} s`).join(', ') +
        `; each measured after growing the fleet and ${plan.settleSec} s of settling. Later steps run only while sustained. ` +
        `Boot storm: ${plan.stormStations} stations, until all are done or ${plan.stormTimeoutMs / 1000} s. ` +
        `Churn: ${plan.churnSessions} sessions x ${plan.churnRounds} rounds, ${plan.churnHoldSec} s held`,
    };
    for (const m of results.load.mix) log(m);

    let profileDir: string | undefined;
    if (only === 'reference') {
      const dataDir = join(tempRoot, 'reference-data');
      mkdirSync(dataDir, { recursive: true });
      results.runs.reference = await runServer({ generator: await freshGenerator(), launch: referenceLaunch(dataDir), dataDir: null, plan, log });
    }
    if (only === undefined || only === 'baseline') {
      results.runs.baseline = await runServer({ generator: await freshGenerator(), launch: baselineLaunch(), dataDir: null, plan, log });
    }
    if (only === undefined || only === 'ampyard') {
      const dataDir = join(tempRoot, 'ampyard-data');
      const env: NodeJS.ProcessEnv = {};
      if (args.profile) {
        profileDir = join(tempRoot, 'profile');
        mkdirSync(profileDir, { recursive: true });
        env['NODE_OPTIONS'] = `--cpu-prof --cpu-prof-dir=${profileDir}`;
        // The bundle the profile's line numbers refer to, taken from the executable itself.
        const bundle = extractBundle(executable);
        if (bundle) writeFileSync(join(profileDir, 'main.cjs'), bundle);
      }
      // An API token made before the first start, to put the churning stations under the load balancer.
      const token = createApiToken(executable, dataDir);
      const prepareChurn = (baseUrl: string, stationIds: string[]) => putStationsOnCircuit(baseUrl, token, stationIds, CHURN_AMPS_PER_SESSION * plan.churnSessions);
      const run = await runServer({ generator: await freshGenerator(), launch: ampyardLaunch(executable, dataDir, env), dataDir, plan, log, prepareChurn });
      results.runs.ampyard = run;
      if (run.errors.length === 0) results.persistence = persistenceCheck(dataDir, run.answeredTotals);
    }
    results.capacityRatio = capacityRatio(results.runs.ampyard, results.runs.baseline);
    results.targets = judgeTargets(results.runs.ampyard, results.runs.baseline, results.coldStart, {
      heavy: plan.steps.find((s) => s.name === 'heavy')?.stations ?? HEAVY_STATIONS,
      storm: plan.stormStations,
    });
    const generatorLimited = [...(results.runs.baseline?.steps ?? []), ...(results.runs.ampyard?.steps ?? [])].filter((s) => s.generatorLimited);
    if (generatorLimited.length) {
      notes.push(
        `the load generator ran short of CPU in ${generatorLimited.length} step(s) (marked [generator-limited]); on this ${machine.cores}-core machine it shares the CPU with the server, so those steps under-state what the server could do`,
      );
    }
    if (args.profile && profileDir) {
      // The first server (before the boot storm's restart) carries the load ramp.
      const file = mainThreadProfiles(profileDir)[0];
      if (file) {
        const path = join(profileDir, file);
        const keep = join(benchDir, 'results', 'ampyard.cpuprofile');
        mkdirSync(join(benchDir, 'results'), { recursive: true });
        copyFileSync(path, keep);
        results.profile = { file: keep, summary: formatProfile(summariseProfile(path, { bundle: join(profileDir, 'main.cjs') })) };
      }
    }
  } finally {
    await generator.exit();
    if (!args['keep-data']) rmSync(tempRoot, { recursive: true, force: true });
    else log(`data kept in ${tempRoot}`);
  }
  results.durationSec = Math.round((performance.now() - started) / 1000);
  const text = formatReport(results);
  const outDir = join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const base = args.profile ? 'profile' : args.quick || only || args['ramp-only'] || args['steady-only'] ? 'partial' : 'latest';
  writeFileSync(join(outDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(outDir, `${base}.txt`), text + '\n');
  process.stdout.write(`\n${text}\n\nbench: results written to scripts/bench/results/${base}.json and ${base}.txt\n`);
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
