/** The human-readable report of a benchmark run. */
import type { Machine } from './machine.ts';
import type { ActionFigures } from './load-fleet.ts';
import type { ServerRun, StepResult } from './scenarios.ts';
import { percent, type ColdStart, type Target } from './targets.ts';

export interface Results {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  source: { commit: string | null; modifiedFiles: number | null };
  build: { built: boolean; reason: string; ms: number; warning?: string };
  load: { description: string; mix: string[]; windows: string };
  coldStart?: ColdStart;
  runs: { baseline?: ServerRun; ampyard?: ServerRun; reference?: ServerRun };
  capacityRatio: number | null;
  persistence?: { meterValuesAnswered: number; meterValueRows: number; startsAnswered: number; transactionRows: number; ok: boolean; note: string };
  balancer: string;
  targets: Target[];
  profile?: { file: string; summary: string };
  notes: string[];
}

const pad = (v: unknown, n: number) => String(v).padStart(n);
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

function ms(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(1)}s`;
  if (v >= 10) return v.toFixed(0);
  return v.toFixed(1);
}

/** Storage written by the server per answered message, in KiB. */
function perMessageKB(s: StepResult): string {
  if (s.stats.completedPerSec === 0) return '-';
  return ((s.server.diskWriteMBPerSec * 1024) / s.stats.completedPerSec).toFixed(1);
}

function stepTable(run: ServerRun): string[] {
  const lines = [
    `  ${'step'.padEnd(15)} ${pad('stations', 6)} ${pad('meter', 6)} ${pad('offered/s', 9)} ${pad('answered/s', 10)} ${pad('p50', 6)} ${pad('p95', 6)} ${pad('p99', 6)} ${pad('max', 6)} ` +
      `${pad('t/o', 4)} ${pad('err', 4)} ${pad('CPU%', 5)} ${pad('main%', 5)} ${pad('wkrs%', 5)} ${pad('RSS MB', 7)} ${pad('DB +MB', 7)} ${pad('disk KB/msg', 11)} ${pad('gen CPU%', 8)} ${pad('other%', 6)}  sustained`,
  ];
  for (const s of run.steps) {
    const f = s.stats.failures;
    lines.push(
      `  ${s.name.padEnd(15)} ${pad(s.stats.stations.accepted, 8)} ${pad(`${s.meterIntervalSec}s`, 6)} ${pad(s.stats.offeredPerSec, 9)} ${pad(s.stats.completedPerSec, 10)} ` +
        `${pad(ms(s.stats.latency.p50), 6)} ${pad(ms(s.stats.latency.p95), 6)} ${pad(ms(s.stats.latency.p99), 6)} ${pad(ms(s.stats.latency.max), 6)} ` +
        `${pad(f.timeouts, 4)} ${pad(f.callErrors + f.aborted + f.unexpectedCloses, 4)} ${pad(s.server.cpuPercent, 5)} ` +
        `${pad(s.server.mainThreadCpuPercent ?? '-', 5)} ${pad(s.server.workerThreadsCpuPercent ?? '-', 5)} ${pad(s.server.peakRssMB, 7)} ` +
        `${pad(s.sqlite ? mb(s.sqlite.growthBytes) : '-', 7)} ${pad(perMessageKB(s), 11)} ${pad(s.stats.generator.cpuPercent, 8)} ${pad(s.otherCpuPercent, 6)}  ${s.sustained ? 'yes' : `no: ${s.notSustainedBecause.join('; ')}`}` +
        `${s.generatorLimited ? ' [generator-limited]' : ''}`,
    );
  }
  return lines;
}

function actionTable(title: string, a: StepResult | undefined, b: StepResult | undefined): string[] {
  if (!a && !b) return [];
  const actions = [...new Set([...Object.keys(a?.stats.actions ?? {}), ...Object.keys(b?.stats.actions ?? {})])].sort();
  const cell = (f: ActionFigures | undefined) =>
    f ? `${pad(f.count, 7)} ${pad(ms(f.p50), 6)} ${pad(ms(f.p95), 6)} ${pad(ms(f.p99), 6)} ${pad(ms(f.max), 6)}` : `${pad('-', 7)} ${pad('', 6)} ${pad('', 6)} ${pad('', 6)} ${pad('', 6)}`;
  const lines = [
    `${title} — latency per action in ms (station wants to send -> answer)`,
    `  ${'action'.padEnd(20)} ${'Ampyard: count    p50    p95    p99    max'.padStart(43)}   ${'baseline: count    p50    p95    p99    max'.padStart(43)}`,
  ];
  for (const action of actions) lines.push(`  ${action.padEnd(20)} ${cell(a?.stats.actions[action]).padStart(43)}   ${cell(b?.stats.actions[action]).padStart(43)}`);
  return lines;
}

export function formatReport(r: Results): string {
  const m = r.machine;
  const amp = r.runs.ampyard;
  const base = r.runs.baseline;
  const lines: string[] = [
    `Ampyard benchmark, ${r.startedAt} (${(r.durationSec / 60).toFixed(1)} min)`,
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGB} GB RAM, Node ${m.node}, ${m.kernel}, open files limit ${m.openFilesLimit}`,
    `  disk sync (4 KiB write + fdatasync in the temp folder): p50 ${m.fsyncMs.p50} ms, p99 ${m.fsyncMs.p99} ms; load average at start ${m.loadAverage}`,
    `Executable: ${r.build.reason}${r.build.built ? ` (built in ${(r.build.ms / 1000).toFixed(1)} s)` : ''}; ` +
      `sources at commit ${r.source.commit ?? '?'}${r.source.modifiedFiles ? ` with ${r.source.modifiedFiles} modified files` : ''}`,
    ...(r.build.warning ? [`WARNING: ${r.build.warning}`] : []),
    `Load: ${r.load.description}`,
    ...r.load.mix.map((x) => `  ${x}`),
    `Windows: ${r.load.windows}`,
    '',
  ];
  const runs = [
    ['Ampyard (the executable, SQLite, every message persisted)', amp],
    ['Baseline (bare ws, stores nothing)', base],
    ['Reference (bare ws + one SQLite row per CALL, answered after its fsynced group commit; nothing else)', r.runs.reference],
  ] as const;
  for (const [label, run] of runs) {
    if (!run) continue;
    lines.push(`${label}:`);
    lines.push(...stepTable(run));
    const c = run.capacity;
    lines.push(
      `  capacity: ${c.step ? `${c.messagesPerSec} msg/s sustained (${c.step}: ${c.stations} stations, meter values every ${c.meterIntervalSec} s)` : 'no step sustained'}` +
        `${c.topOfRampReached ? ' — still sustained at the top of the ramp (the real ceiling is higher)' : ''}` +
        `${c.cutShortByTimeBudget ? ' — the ramp was cut short by the time budget (the real ceiling may be higher)' : ''}`,
    );
    if (run.storm) {
      const s = run.storm;
      lines.push(
        `  boot storm: ${s.done}/${s.stats.stations.target} stations Accepted with statuses in ${(s.ms / 1000).toFixed(1)} s after the restart ` +
          `(per station p50 ${ms(s.perStation.p50)} p99 ${ms(s.perStation.p99)}; connect retries ${s.connectRetries}, failures ${s.connectFailures + s.bootFailures}; ` +
          `BootNotification p99 ${ms(s.stats.actions['BootNotification']?.p99 ?? 0)} ms; server CPU ${s.server.cpuPercent}%, peak RSS ${s.server.peakRssMB} MB; ` +
          `stop ${s.stopMs} ms, restart to ready ${s.restartReadyMs} ms)`,
      );
    }
    if (run.churn) {
      const c2 = run.churn;
      lines.push(
        `  churn: ${c2.sessions} sessions x ${c2.rounds} rounds; start bursts ${c2.startBurstMs.join(', ')} ms, stop bursts ${c2.stopBurstMs.join(', ')} ms; ` +
          `${c2.started} started, ${c2.stopped} stopped, ${c2.failed} failed; p99 ${ms(c2.stats.latency.p99)} ms; balancer: ${c2.controller}`,
      );
    }
    if (run.sqliteBytesAtEnd !== null) lines.push(`  SQLite at the end (database + -wal + -shm): ${mb(run.sqliteBytesAtEnd)} MB`);
    lines.push(`  peak RSS over the run: ${run.peakRssMB} MB; server log lines: ${JSON.stringify(run.serverLog.levels)}`);
    for (const e of run.errors) lines.push(`  ERROR: ${e}`);
    lines.push('');
  }
  const steadyA = amp?.steps.find((s) => s.name === 'steady');
  const steadyB = base?.steps.find((s) => s.name === 'steady');
  const heavyA = amp?.steps.find((s) => s.name === 'heavy');
  const heavyB = base?.steps.find((s) => s.name === 'heavy');
  lines.push(...actionTable('Steady state', steadyA, steadyB), '');
  lines.push(...actionTable('Heavy', heavyA, heavyB), '');
  lines.push(`Capacity ratio Ampyard / bare ws: ${r.capacityRatio === null ? 'n/a' : percent(r.capacityRatio)}`);
  if (r.persistence) {
    const p = r.persistence;
    lines.push(
      `Persistence: ${p.meterValuesAnswered} MeterValues answered, ${p.meterValueRows} meter value rows; ${p.startsAnswered} starts answered, ` +
        `${p.transactionRows} transactions stored — ${p.ok ? 'everything answered is stored' : 'MISSING DATA'} (${p.note})`,
    );
  }
  if (r.coldStart) lines.push(`Cold start (spawn to "ready"): ${r.coldStart.runsMs.join(', ')} ms (self-reported ${r.coldStart.selfReportedMs.join(', ')} ms)`);
  lines.push(`Balancer: ${r.balancer}`);
  lines.push('', 'Targets:');
  for (const t of r.targets) {
    const verdict = t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL';
    lines.push(`  ${verdict}  ${t.name}: ${t.goal} — ${t.actual}${t.note ? ` (${t.note})` : ''}`);
  }
  if (r.notes.length) lines.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
  if (r.profile) lines.push('', `CPU profile of Ampyard (${r.profile.file}):`, r.profile.summary);
  return lines.join('\n');
}
