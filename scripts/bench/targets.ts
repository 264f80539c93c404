/** The targets for a 2-core box, judged from a run's figures. */
import type { ServerRun, StepResult } from './scenarios.ts';

export interface Target {
  name: string;
  goal: string;
  actual: string;
  pass: boolean | null;
  note?: string;
}

export interface ColdStart {
  /** Spawn to the "ready" line, in ms, for each start (the first on an empty data folder). */
  runsMs: number[];
  selfReportedMs: Array<number | null>;
  maxMs: number;
}

function step(run: ServerRun | undefined, name: string): StepResult | undefined {
  return run?.steps.find((s) => s.name === name);
}

/** A ratio as a percentage with one decimal, so that a ratio just under a target never prints as meeting it. */
export function percent(ratio: number): string {
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)} %`;
}

export function capacityRatio(ampyard: ServerRun | undefined, baseline: ServerRun | undefined): number | null {
  if (!ampyard || !baseline || baseline.capacity.messagesPerSec === 0) return null;
  // Not rounded: the target is judged on the ratio itself (49.9 % is not 50 %).
  return ampyard.capacity.messagesPerSec / baseline.capacity.messagesPerSec;
}

export function judgeTargets(ampyard: ServerRun | undefined, baseline: ServerRun | undefined, coldStart: ColdStart | undefined, stations: { heavy: number; storm: number }): Target[] {
  const targets: Target[] = [];
  const heavy = step(ampyard, 'heavy');
  const steady = step(ampyard, 'steady');

  targets.push(
    heavy
      ? {
          name: 'concurrent stations',
          goal: `${stations.heavy} connected and accepted`,
          actual: `${heavy.stats.stations.accepted} accepted, ${heavy.stats.failures.unexpectedCloses} dropped`,
          pass: heavy.stats.stations.accepted >= stations.heavy && heavy.stats.failures.unexpectedCloses === 0,
        }
      : { name: 'concurrent stations', goal: `${stations.heavy} connected and accepted`, actual: 'not measured', pass: null },
  );

  const ratio = capacityRatio(ampyard, baseline);
  targets.push({
    name: 'throughput vs bare ws',
    goal: '>= 50 % of the baseline capacity, persisting everything',
    actual:
      ratio === null
        ? 'not measured'
        : `${percent(ratio)} (${ampyard!.capacity.messagesPerSec} vs ${baseline!.capacity.messagesPerSec} msg/s)`,
    pass: ratio === null ? null : ratio >= 0.5,
    note:
      baseline?.capacity.topOfRampReached || baseline?.capacity.cutShortByTimeBudget
        ? 'the baseline was still sustained where its ramp ended: its capacity is at least this, so the ratio is an upper bound'
        : undefined,
  });

  targets.push(
    steady
      ? { name: 'p99 at steady state', goal: '< 50 ms (1,000 stations, meter values every 10 s)', actual: `${steady.stats.latency.p99} ms`, pass: steady.stats.latency.p99 < 50 }
      : { name: 'p99 at steady state', goal: '< 50 ms', actual: 'not measured', pass: null },
  );

  const storm = ampyard?.storm;
  targets.push(
    storm
      ? {
          name: 'boot storm',
          goal: `${stations.storm} stations Accepted with statuses in < 30 s`,
          actual: `${storm.done}/${stations.storm} in ${(storm.ms / 1000).toFixed(1)} s`,
          pass: storm.done === stations.storm && storm.ms < 30_000,
        }
      : { name: 'boot storm', goal: '< 30 s', actual: 'not measured', pass: null },
  );

  targets.push(
    heavy
      ? { name: 'memory at 5,000 stations', goal: 'RSS < 400 MB', actual: `${heavy.server.peakRssMB} MB peak in the heavy window`, pass: heavy.server.peakRssMB < 400 }
      : { name: 'memory at 5,000 stations', goal: 'RSS < 400 MB', actual: 'not measured', pass: null },
  );

  targets.push(
    coldStart
      ? {
          name: 'cold start',
          goal: 'executable to "ready" < 1 s',
          actual: `${coldStart.maxMs} ms worst of ${coldStart.runsMs.length} (${coldStart.runsMs.join(', ')} ms)`,
          pass: coldStart.maxMs < 1000,
        }
      : { name: 'cold start', goal: '< 1 s', actual: 'not measured', pass: null },
  );
  return targets;
}
