import highsModule from 'highs';
import { gridPhasesOf } from '../../../src/balancer/core/phases.ts';
import { circuitLimitOver } from '../../../src/balancer/core/schedule.ts';
import type { LimitOverride } from '../../../src/balancer/core/types.ts';
import type { CarSpec, Scenario } from '../../sim-site/scenario.ts';

export interface Optimum {
  /** Most energy any schedule can deliver, and most fleet deadlines any schedule can meet (separately optimised). */
  energyKwh: number;
  deadlinesMet: number;
  fleet: number;
  status: { energy: string; deadlines: string };
  seconds: number;
  variables: number;
}

const TOLERANCE_KWH = 0.1;

interface CarModel {
  spec: CarSpec;
  index: number;
  /** Grid phases it loads, circuits above it, A → W at the battery, per-phase maximum and peak (taper) current. */
  gridPhases: number[];
  path: number[];
  outWPerA: number;
  inWPerA: number;
  maxA: number;
  peakA: number;
  needKwh: number;
  /** Share of each slot the car is there. */
  present: Map<number, number>;
}

/**
 * The exact optimum of the same scenario, time-discretised (slots of `optimumSlotS`): an LP for the energy and a
 * MIP for the number of fleet deadlines met. It knows every arrival in advance, treats currents as continuous
 * (no minimum current, per-slot averages) and reads the taper at each slot's start, so it can only be better
 * than any real controller: ratios against it are conservative. Only cars that ignore their limit are fixed.
 */
export async function optimum(sc: Scenario): Promise<Optimum> {
  const started = performance.now();
  // `highs` is CommonJS with typings that declare an ES default export: the loader is the module itself here.
  const highs = await (highsModule as unknown as () => Promise<{ solve: (lp: string, options: object) => { Status: string; ObjectiveValue: number } }>)();
  const { site } = sc;
  const v = site.voltageV ?? 230;
  const slotS = sc.optimumSlotS;
  const slots = Math.ceil(sc.durationS / slotS);
  const circuitIndex = new Map(site.circuits.map((c, i) => [c.id, i]));
  const pathOf = (id: string) => {
    const path: number[] = [];
    for (let c = site.circuits[circuitIndex.get(id)!]; c; c = c.parentId === undefined ? undefined : site.circuits[circuitIndex.get(c.parentId)!]) path.push(circuitIndex.get(c.id)!);
    return path;
  };
  const evses = new Map(site.evses.map((e) => [e.id, e]));

  const cars: CarModel[] = sc.cars.map((spec, index) => {
    const evse = evses.get(spec.evseId)!;
    const n = evse.kind === 'DC' ? evse.phases : Math.min(spec.phases, evse.phases);
    const inWPerA = v * n;
    const outWPerA = evse.kind === 'DC' ? inWPerA * (evse.dcEfficiency ?? 0.95) : inWPerA;
    const evseMaxA = evse.kind === 'DC' ? (evse.maxPowerW ?? 50_000) / outWPerA : Math.min(evse.maxCurrentA ?? 32, (evse.maxPowerW ?? Infinity) / outWPerA);
    const present = new Map<number, number>();
    const to = Math.min(spec.departS, sc.durationS);
    for (let s = Math.floor(spec.arriveS / slotS); s * slotS < to; s++) {
      const overlap = Math.min(to, (s + 1) * slotS) - Math.max(spec.arriveS, s * slotS);
      if (overlap > 0) present.set(s, overlap / slotS);
    }
    return {
      spec, index, gridPhases: gridPhasesOf(evse).slice(0, n), path: pathOf(evse.circuitId), outWPerA, inWPerA,
      maxA: Math.min(evseMaxA, spec.maxPowerW / outWPerA), peakA: spec.maxPowerW / outWPerA,
      needKwh: Math.max(0, ((spec.targetSocPct - spec.socPct) / 100) * spec.batteryKwh), present,
    };
  });

  const capacity = slotCapacities(sc, slots, v);
  const rows: string[] = [];
  const bounds: string[] = [];
  const x = (c: CarModel, s: number) => `x${c.index}_${s}`;
  const u = (c: CarModel, s: number) => `u${c.index}_${s}`;
  const kwhPerA = (c: CarModel) => (c.outWPerA * slotS) / 3.6e6;
  let variables = 0;
  for (const c of cars) {
    // A car that ignores its limit is not the optimum's to control either: it draws its maximum until done.
    let uncontrolled = c.spec.behaviour.kind === 'ignores' ? c.needKwh : null;
    for (const [s, f] of c.present) {
      if (uncontrolled !== null) {
        const amps = Math.min(c.maxA * f, uncontrolled / kwhPerA(c));
        uncontrolled -= amps * kwhPerA(c);
        bounds.push(` ${num(amps)} <= ${x(c, s)} <= ${num(amps)}`);
      } else bounds.push(` 0 <= ${x(c, s)} <= ${num(c.maxA * f)}`);
      variables++;
    }
    const terms = [...c.present.keys()].map((s) => `${num(kwhPerA(c))} ${x(c, s)}`);
    if (terms.length) rows.push(` need${c.index}: ${terms.join(' + ')} <= ${num(c.needKwh)}`);
    // Taper above 80 %: x ≤ peak × f × (4.6 − 0.045 × SoC), SoC from the energy before the slot (u).
    if (c.spec.targetSocPct > 80 && terms.length && c.spec.behaviour.kind !== 'ignores') {
      const keys = [...c.present.keys()];
      keys.forEach((s, i) => {
        const f = c.present.get(s)!;
        const slope = (c.peakA * f * 4.5) / c.spec.batteryKwh;
        const rhs = c.peakA * f * (4.6 - 0.045 * c.spec.socPct);
        if (i === 0) {
          rows.push(` tp${c.index}_${s}: ${x(c, s)} <= ${num(rhs)}`);
          return;
        }
        const prev = keys[i - 1]!;
        rows.push(` cu${c.index}_${s}: ${u(c, s)} - ${i > 1 ? `${u(c, prev)} - ` : ''}${num(kwhPerA(c))} ${x(c, prev)} = 0`);
        rows.push(` tp${c.index}_${s}: ${x(c, s)} + ${num(slope)} ${u(c, s)} <= ${num(rhs)}`);
        variables++;
      });
    }
  }
  for (let s = 0; s < slots; s++) {
    site.circuits.forEach((circuit, k) => {
      const under = cars.filter((c) => c.present.has(s) && c.path.includes(k));
      if (!under.length) return;
      for (let p = 0; p < 3; p++) {
        const on = under.filter((c) => c.gridPhases.includes(p));
        if (on.length) rows.push(` c${k}_${p}_${s}: ${on.map((c) => x(c, s)).join(' + ')} <= ${num(capacity.amps[(s * site.circuits.length + k) * 3 + p]!)}`);
      }
      const watts = capacity.watts[s * site.circuits.length + k]!;
      if (Number.isFinite(watts)) rows.push(` w${k}_${s}: ${under.map((c) => `${num(c.inWPerA)} ${x(c, s)}`).join(' + ')} <= ${num(watts)}`);
    });
  }
  const energyObjective = cars.flatMap((c) => [...c.present.keys()].map((s) => `${num(kwhPerA(c))} ${x(c, s)}`)).join(' + ');
  const lp = (objective: string, extraRows: string[], binaries: string[]) =>
    `Maximize\n obj: ${objective}\nSubject To\n${[...rows, ...extraRows].join('\n')}\nBounds\n${bounds.join('\n')}\n${binaries.length ? `Binary\n ${binaries.join(' ')}\n` : ''}End\n`;

  const energy = highs.solve(lp(energyObjective, [], []), { time_limit: 120, output_flag: false });
  const fleet = cars.filter((c) => c.spec.fleet);
  const met = fleet.map((c) => {
    const terms = [...c.present.keys()].map((s) => `${num(kwhPerA(c))} ${x(c, s)}`);
    const need = Math.max(0, c.needKwh - TOLERANCE_KWH);
    return terms.length ? ` met${c.index}: ${terms.join(' + ')} - ${num(need)} z${c.index} >= 0` : ` met${c.index}: ${num(need)} z${c.index} <= 0`;
  });
  // A tiny reward for energy picks, among the schedules meeting the most deadlines, one that also delivers much.
  const deadlines = highs.solve(lp(`${fleet.map((c) => `z${c.index}`).join(' + ')}`, met, fleet.map((c) => `z${c.index}`)), { time_limit: 180, mip_rel_gap: 0, output_flag: false });
  return {
    energyKwh: energy.Status === 'Optimal' ? energy.ObjectiveValue : NaN,
    deadlinesMet: deadlines.Status === 'Optimal' || deadlines.Status === 'Time limit reached' ? Math.round(deadlines.ObjectiveValue) : NaN,
    fleet: fleet.length,
    status: { energy: energy.Status, deadlines: deadlines.Status },
    seconds: (performance.now() - started) / 1000,
    variables,
  };
}

const num = (value: number) => (Math.abs(value) < 1e-12 ? '0' : Number(value.toPrecision(12)).toString());

/** Average capacity left for chargers per slot, circuit and phase (A) and for the power limit (W), as the sim measures it. */
function slotCapacities(sc: Scenario, slots: number, v: number) {
  const { site } = sc;
  const n = site.circuits.length;
  const amps = new Float64Array(slots * n * 3);
  const watts = new Float64Array(slots * n);
  const circuitIndex = new Map(site.circuits.map((c, i) => [c.id, i]));
  const paths = site.circuits.map((c) => {
    const path: number[] = [];
    for (let cur: typeof c | undefined = c; cur; cur = cur.parentId === undefined ? undefined : site.circuits[circuitIndex.get(cur.parentId)!]) path.push(circuitIndex.get(cur.id)!);
    return path;
  });
  const events = [...(sc.limitEvents ?? [])].sort((a, b) => a.atS - b.atS);
  const overrides = new Map<string, LimitOverride>();
  let next = 0;
  let limits = site.circuits.map((c) => circuitLimitOver(c, sc.start, sc.start, site.timeZone));
  for (let t = 0; t < slots * sc.optimumSlotS; t++) {
    let changed = t % 60 === 0;
    while (next < events.length && events[next]!.atS <= t) {
      const o = events[next++]!.override;
      if ('clear' in o) overrides.delete(o.circuitId);
      else overrides.set(o.circuitId, o);
      changed = true;
    }
    const now = sc.start + t * 1000;
    if (changed) limits = site.circuits.map((c) => circuitLimitOver(c, now, now, site.timeZone, overrides.get(c.id)));
    const load = new Float64Array(n * 3);
    for (const b of sc.buildingLoad) {
      const value = t < sc.durationS ? b.at(t) : [0, 0, 0];
      for (const c of paths[circuitIndex.get(b.circuitId)!]!) for (let p = 0; p < 3; p++) load[c * 3 + p]! += value[p]!;
    }
    const s = Math.floor(t / sc.optimumSlotS);
    site.circuits.forEach((c, k) => {
      const margin = c.marginA ?? 0;
      let loadW = 0;
      for (let p = 0; p < 3; p++) {
        amps[(s * n + k) * 3 + p]! += (limits[k]!.limitA[p]! - margin - load[k * 3 + p]!) / sc.optimumSlotS;
        loadW += load[k * 3 + p]! * v;
      }
      watts[s * n + k]! += (limits[k]!.maxPowerW - margin * 3 * v - loadW) / sc.optimumSlotS;
    });
  }
  return { amps, watts };
}
