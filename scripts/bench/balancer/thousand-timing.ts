import { allocate } from '../../../src/balancer/core/allocate.ts';
import { violations } from '../../../src/balancer/core/violations.ts';
import { timing, type Timing } from './stats.ts';
import { thousandEvseSite } from './thousand.ts';

export interface ThousandTiming {
  evses: number;
  /** Wall-clock time per cycle, and CPU time of the thread running it (what other processes on the box do not add). */
  wall: Timing;
  cpu: Timing;
  /** The same for cycles that make a new deadline plan (every cycle after an event, else every `replanS`). */
  replanWall: Timing;
  replanCpu: Timing;
  violations: number;
}

const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

/** Times allocation cycles on the 1,000-EVSE site (after a warm-up, memory fed back as a driver would). */
export function thousandEvseTiming(runs = 300, warmup = 60): ThousandTiming {
  const { site, state } = thousandEvseSite(Date.UTC(2025, 0, 6, 15));
  const run = (replan: boolean) => {
    let result = allocate(site, state);
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      // Cycles 10 s apart; a plan marked stale makes every cycle plan again, as after an event.
      const plan = result.memory.plan;
      const memory = replan && plan ? { ...result.memory, plan: { ...plan, key: 'stale' } } : result.memory;
      const next = { ...state, now: state.now + i * 10_000, memory };
      const c0 = cpuMs();
      const t0 = performance.now();
      result = allocate(site, next);
      const t1 = performance.now();
      const c1 = cpuMs();
      if (i < warmup) continue;
      wall.push(t1 - t0);
      cpu.push(c1 - c0);
    }
    return { wall: timing(wall), cpu: timing(cpu) };
  };
  const typical = run(false);
  const replanning = run(true);
  return {
    evses: site.evses.length, wall: typical.wall, cpu: typical.cpu, replanWall: replanning.wall, replanCpu: replanning.cpu,
    violations: violations(site, state, allocate(site, state)).length,
  };
}
