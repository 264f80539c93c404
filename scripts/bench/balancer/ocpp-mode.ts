/**
 * The OCPP-driven half of bench:balancer: each scenario against the real server over websockets in simulated
 * time (scripts/sim-site/ocpp-driven.ts), next to the in-process run over the same horizon.
 */
import { simulateOverOcpp, type OcppSimResult } from '../../sim-site/ocpp-driven.ts';
import type { Scenario } from '../../sim-site/scenario.ts';
import { busDepot200, limitDrop30, mixedDepot48, quirks10, workplace20 } from '../../sim-site/scenarios.ts';
import { simulate } from '../../sim-site/simulate.ts';
import { round, timing } from './stats.ts';

/**
 * Horizons that keep the whole bench near 10 minutes on 2 shared cores (a simulated hour of 48 stations costs
 * about half a minute, mostly the server's group commits); `--ocpp=full` runs every scenario to its end.
 */
const RUNS: Array<{ make: () => Scenario; hours: number; why: string }> = [
  { make: workplace20, hours: 4, why: 'every first arrival (0.5-3 h) and the first departures' },
  { make: mixedDepot48, hours: 5.5, why: 'through the 20-minute meter outage at 5 h' },
  { make: busDepot200, hours: 1, why: '200 stations: the first hour of arrivals' },
  { make: limitDrop30, hours: 4, why: 'whole scenario: both limit drops' },
  { make: quirks10, hours: 4, why: 'whole scenario: the car that ignores limits, late followers, the 09:00 limit' },
];

/** Fail-safe lease: renewed at a third of it, so 900 s means a renewal per station every 5 simulated minutes. */
const LEASE_S = 900;

export type OcppMode = 'short' | 'full' | 'off';

export function ocppModeOf(argv: string[]): OcppMode {
  const arg = argv.find((a) => a.startsWith('--ocpp='))?.slice('--ocpp='.length);
  return arg === 'full' || arg === 'off' ? arg : 'short';
}

/** `--scenarios=d,e`: only the scenarios whose names start with one of these (all when left out). */
export function scenarioFilterOf(argv: string[]): (name: string) => boolean {
  const arg = argv.find((a) => a.startsWith('--scenarios='))?.slice('--scenarios='.length);
  const prefixes = arg ? arg.split(',').map((p) => p.trim()).filter(Boolean) : [];
  return (name) => prefixes.length === 0 || prefixes.some((p) => name.startsWith(p));
}

export interface Optimum {
  energyKwh: number;
  deadlinesMet: number;
}

function rowOf(sc: Scenario, r: OcppSimResult, inProcess: ReturnType<typeof simulate>, optimum: Optimum | undefined, why: string) {
  const cycle = timing(r.cycleMs);
  const full = r.simulatedS === sc.durationS;
  const checks = { noViolations: r.violationSeconds === 0 && r.coreViolations === 0, allAcknowledged: r.traffic.failed + r.traffic.refused === 0 };
  return {
    scenario: sc.name,
    simulatedHours: round(r.simulatedS / 3600, 2),
    horizon: full ? 'whole scenario' : why,
    stations: r.stations,
    violationSeconds: r.violationSeconds, maxExcessA: round(r.maxExcessA, 2), firstViolation: r.firstViolation,
    coreCheckViolations: r.coreViolations, marginSeconds: r.marginSeconds,
    energyKwh: round(r.energyKwh, 1), inProcessEnergyKwh: round(inProcess.energyKwh, 1), energyVsInProcess: round(r.energyKwh / inProcess.energyKwh, 4),
    deadlinesMet: r.deadlines.met, fleetVehicles: r.deadlines.fleet, inProcessDeadlinesMet: inProcess.deadlines.met,
    ...(full && optimum ? { energyVsOptimum: round(r.energyKwh / optimum.energyKwh, 4), deadlinesVsOptimum: optimum.deadlinesMet ? round(r.deadlines.met / optimum.deadlinesMet, 4) : 1 } : {}),
    cycles: cycle.count, cycleMeanMs: round(cycle.meanMs), cycleP99Ms: round(cycle.p99Ms), cycleMaxMs: round(cycle.maxMs),
    traffic: r.traffic,
    wallSeconds: round(r.wallSeconds, 1),
    checks,
    pass: checks.noViolations && checks.allAcknowledged,
  };
}

export type OcppRow = ReturnType<typeof rowOf>;

function print(r: OcppRow): void {
  const t = r.traffic;
  const vsOptimum = r.energyVsOptimum === undefined ? '' : `; vs optimum: energy ${(r.energyVsOptimum * 100).toFixed(1)} %, deadlines ${((r.deadlinesVsOptimum ?? 1) * 100).toFixed(1)} %`;
  process.stdout.write(
    `\n${r.scenario} over OCPP (${r.stations['1.6']}×1.6 + ${r.stations['2.0.1']}×2.0.1 stations, ${r.simulatedHours} h simulated: ${r.horizon})\n` +
      `  safety     ${r.violationSeconds} circuit-phase-seconds over a limit (max excess ${r.maxExcessA} A), core check ${r.coreCheckViolations}, ${r.marginSeconds} s inside a margin\n` +
      `  energy     ${r.energyKwh} kWh vs in-process ${r.inProcessEnergyKwh} kWh over the same hours = ${(r.energyVsInProcess * 100).toFixed(1)} %\n` +
      `  deadlines  ${r.deadlinesMet}/${r.fleetVehicles} met vs in-process ${r.inProcessDeadlinesMet}${vsOptimum}\n` +
      `  cycle      mean ${r.cycleMeanMs} ms, p99 ${r.cycleP99Ms} ms, max ${r.cycleMaxMs} ms over ${r.cycles} server cycles\n` +
      `  OCPP       ${t.allocationProfiles} allocation + ${t.failSafeProfiles} fail-safe profiles, ${t.accepted} acknowledged, ${t.refused} refused, ${t.failed} failed; ` +
      `arrival → first allocation median ${t.arrivalToProfileS.medianS} s, max ${t.arrivalToProfileS.maxS} s (simulated)` +
      `${t.limitEventToProfileS.length ? `; limit signal → first profile ${t.limitEventToProfileS.map((s) => (s === null ? '-' : `${s} s`)).join(', ')}` : ''}\n` +
      `  wall       ${r.wallSeconds} s\n` +
      `  ${r.pass ? 'PASS' : `FAIL (${Object.entries(r.checks).filter(([, ok]) => !ok).map(([k]) => k).join(', ')})`}\n`,
  );
}

/** Runs the OCPP-driven scenarios, prints a block each, and returns their rows (none when `mode` is off). */
export async function runOcppMode(mode: OcppMode, optimumOf: (name: string) => Optimum | undefined, only: (name: string) => boolean = () => true): Promise<OcppRow[]> {
  if (mode === 'off') return [];
  const rows: OcppRow[] = [];
  for (const run of RUNS) {
    const sc = run.make();
    if (!only(sc.name)) continue;
    const durationS = mode === 'full' ? sc.durationS : Math.min(sc.durationS, Math.round(run.hours * 3600));
    const r = await simulateOverOcpp(sc, { durationS, leaseSeconds: LEASE_S });
    const row = rowOf(sc, r, simulate({ ...sc, durationS }), optimumOf(sc.name), run.why);
    print(row);
    rows.push(row);
  }
  return rows;
}
