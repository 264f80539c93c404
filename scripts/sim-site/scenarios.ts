import type { CircuitModel, EvseModel, PerPhase, Phase, PriceSlot } from '../../src/balancer/core/types.ts';
import { seeded } from './random.ts';
import type { CarBehaviour, CarSpec, Scenario } from './scenario.ts';

const ROTATIONS: Phase[][] = [['L1', 'L2', 'L3'], ['L2', 'L3', 'L1'], ['L3', 'L1', 'L2']];
const H = 3600;
/** Monday 6 January 2025, 00:00 UTC. */
const DAY = Date.UTC(2025, 0, 6);

const timing = { meterPeriodS: 5, stationMeterPeriodS: 10, increaseDelayS: 5 };
const obeys: CarBehaviour = { kind: 'obeys' };

/** Office-like non-charger load: base plus a daytime bump, unbalanced, with a little ripple. */
function officeLoad(base: PerPhase, peak: number, startS: number): (t: number) => PerPhase {
  return (t) => {
    const hour = ((startS + t) / H) % 24;
    const day = hour > 7 && hour < 18 ? Math.sin(((hour - 7) / 11) * Math.PI) : 0;
    const ripple = Math.sin(t / 97) * 1.5;
    return [base[0] + peak * day + ripple, base[1] + peak * 0.7 * day - ripple, base[2] + peak * 1.2 * day + ripple * 0.5];
  };
}

function touPrices(fromDay: number, days: number, byHour: (h: number) => number): PriceSlot[] {
  const out: PriceSlot[] = [];
  for (let h = 0; h < days * 24; h++) out.push({ from: fromDay + h * H * 1000, to: fromDay + (h + 1) * H * 1000, price: byHour(h % 24) });
  return out;
}

/** (a) 20 AC chargers on a 3×63 A connection: mixed 1-phase/3-phase cars and chargers, rotations, prices. */
export function workplace20(): Scenario {
  const r = seeded(1);
  const startS = 6 * H;
  const evses: EvseModel[] = Array.from({ length: 20 }, (_, i) =>
    i < 4
      ? { id: `A${i}`, circuitId: 'grid', kind: 'AC', phases: 1, rotation: [(['L1', 'L2', 'L3', 'L2'] as Phase[])[i]!], unit: 'A', maxCurrentA: 32 }
      : { id: `A${i}`, circuitId: 'grid', kind: 'AC', phases: 3, rotation: ROTATIONS[i % 3]!, unit: i % 5 === 0 ? 'W' : 'A', maxCurrentA: i % 4 === 0 ? 16 : 32 });
  const cars: CarSpec[] = [];
  evses.forEach((e, i) => {
    const sessions = i % 5 === 0 ? 2 : 1;
    let at = r.int(0.5 * H, 3 * H);
    for (let k = 0; k < sessions; k++) {
      const dwell = sessions === 2 ? r.int(3 * H, 5 * H) : r.int(6 * H, 10 * H);
      const phases = r.next() < 0.35 ? 1 : 3;
      const battery = r.pick([40, 58, 77]);
      cars.push({
        id: `a-${i}-${k}`, evseId: e.id, arriveS: at, departS: Math.min(at + dwell, 14 * H - 60), batteryKwh: battery,
        socPct: r.int(40, 70), targetSocPct: 80, maxPowerW: phases === 1 ? r.pick([3700, 7400]) : r.pick([11_000, 22_000]),
        phases, fleet: r.next() < 0.75, phasesDeclared: r.next() < 0.5, priority: r.next() < 0.1 ? 1 : 0, behaviour: obeys,
      });
      at += dwell + r.int(600, 1800);
    }
  });
  return {
    name: 'a-workplace-20ac-3x63A',
    description: '20 AC chargers (4 single-phase) on 3×63 A, rotations, 1-/3-phase cars, office load, time-of-use prices, 14 h',
    site: { circuits: [{ id: 'grid', limitA: 63, marginA: 3, metered: true, fallbackLoadA: 25 }], evses },
    start: DAY + startS * 1000, durationS: 14 * H, cars,
    buildingLoad: [{ circuitId: 'grid', at: officeLoad([4, 6, 3], 10, startS) }],
    prices: touPrices(DAY, 2, (h) => (h >= 10 && h < 15 ? 0.12 : h >= 17 && h < 20 ? 0.4 : 0.28)),
    cycleS: 10, ...timing, optimumSlotS: 300,
  };
}

/** (b) 8 DC + 40 AC chargers on a feeder tree with building load, a peak-shaving window and a meter outage. */
export function mixedDepot48(): Scenario {
  const r = seeded(2);
  const startS = 6 * H;
  const circuits: CircuitModel[] = [
    { id: 'grid', limitA: 400, maxPowerKw: 250, marginA: 10, metered: true, fallbackLoadA: 150, schedule: [{ days: [1, 2, 3, 4, 5], fromMinute: 16 * 60, toMinute: 19 * 60, limitA: 300 }] },
    { id: 'dc-feeder', parentId: 'grid', limitA: 250, marginA: 5 },
    { id: 'ac-feeder', parentId: 'grid', limitA: 200, marginA: 5 },
    { id: 'panel-a', parentId: 'ac-feeder', limitA: 100, marginA: 2, metered: true, fallbackLoadA: 20 },
    { id: 'panel-b', parentId: 'ac-feeder', limitA: 100, marginA: 2 },
  ];
  const evses: EvseModel[] = [];
  for (let i = 0; i < 8; i++) evses.push({ id: `D${i}`, circuitId: 'dc-feeder', kind: 'DC', phases: 3, unit: 'W', maxPowerW: 50_000, minPowerW: 5000 });
  for (let i = 0; i < 40; i++) {
    evses.push({ id: `C${i}`, circuitId: i < 20 ? 'panel-a' : 'panel-b', kind: 'AC', phases: 3, rotation: ROTATIONS[i % 3]!, unit: i % 7 === 0 ? 'W' : 'A', maxCurrentA: i < 20 ? 32 : 16, ...(i % 10 === 3 ? { quirks: { minCurrentA: 8, stepA: 1 } } : {}) });
  }
  const cars: CarSpec[] = [];
  for (let i = 0; i < 8; i++) {
    let at = r.int(0, 1800);
    for (let k = 0; at < 15 * H; k++) {
      const dwell = r.int(40 * 60, 100 * 60);
      cars.push({
        id: `d-${i}-${k}`, evseId: `D${i}`, arriveS: at, departS: Math.min(at + dwell, 16 * H - 60), batteryKwh: r.pick([60, 75, 90]), socPct: r.int(30, 55), targetSocPct: 80,
        maxPowerW: r.pick([50_000, 80_000, 120_000]), phases: 3, fleet: true, phasesDeclared: true, priority: 0, behaviour: obeys,
      });
      at += dwell + r.int(1.5 * H, 3 * H);
    }
  }
  for (let i = 0; i < 40; i++) {
    const at = r.int(0, 4 * H);
    const phases = r.next() < 0.3 ? 1 : 3;
    cars.push({
      id: `c-${i}`, evseId: `C${i}`, arriveS: at, departS: Math.min(at + r.int(5 * H, 11 * H), 16 * H - 60), batteryKwh: r.pick([50, 64, 77]),
      socPct: r.int(35, 65), targetSocPct: r.pick([80, 90]), maxPowerW: phases === 1 ? 7400 : r.pick([11_000, 22_000]), phases,
      fleet: r.next() < 0.8, phasesDeclared: r.next() < 0.5, priority: i % 9 === 0 ? 1 : 0, behaviour: obeys,
    });
  }
  const workshop = officeLoad([40, 35, 50], 60, startS);
  return {
    name: 'b-depot-8dc-40ac-tree',
    description: '8×50 kW DC + 40 AC on grid 3×400 A/250 kW → DC feeder 250 A, AC feeder 200 A → 2 panels of 100 A; workshop and panel load, 16-19 h peak shaving to 300 A, 20 min meter outage, 16 h',
    site: { circuits, evses },
    start: DAY + startS * 1000, durationS: 16 * H, cars,
    buildingLoad: [{ circuitId: 'grid', at: workshop }, { circuitId: 'panel-a', at: (t) => [8 + Math.sin(t / 300) * 2, 6, 7] }],
    meterOutages: [{ circuitId: 'grid', fromS: 5 * H, toS: 5 * H + 1200 }],
    cycleS: 10, ...timing, optimumSlotS: 300,
  };
}

/** Workshop and depot lighting: 120 A in the evening and from 05:00, 50 A at night, ramping over 10 minutes. */
function depotLoad(t: number): PerPhase {
  const ramp = (from: number, to: number, at: number, length: number) => (t <= at ? from : t >= at + length ? to : from + ((to - from) * (t - at)) / length);
  const w = t < 11 * H - 600 ? ramp(120, 50, 3 * H, 600) : ramp(50, 120, 11 * H - 600, 600);
  return [w, w * 0.9, w * 1.1];
}

/** (c) 200-charger overnight bus depot: 4 transformers × 5 rows × 10 DC chargers, deadlines at pull-out. */
export function busDepot200(): Scenario {
  const r = seeded(3);
  const startS = 18 * H;
  const circuits: CircuitModel[] = [{ id: 'grid', limitA: 5600, maxPowerKw: 3700, marginA: 40, metered: true, fallbackLoadA: 300 }];
  const evses: EvseModel[] = [];
  for (let t = 0; t < 4; t++) {
    circuits.push({ id: `T${t}`, parentId: 'grid', limitA: 1600, marginA: 20 });
    for (let row = 0; row < 5; row++) {
      circuits.push({ id: `T${t}R${row}`, parentId: `T${t}`, limitA: 630, marginA: 10 });
      for (let k = 0; k < 10; k++) evses.push({ id: `B${t}${row}${k}`, circuitId: `T${t}R${row}`, kind: 'DC', phases: 3, unit: 'W', maxPowerW: 80_000, minPowerW: 5000 });
    }
  }
  const cars: CarSpec[] = evses.map((e, i) => {
    const arrive = r.int(0, 5.5 * H);
    return {
      id: `bus-${i}`, evseId: e.id, arriveS: arrive, departS: r.int(10.5 * H, 13.5 * H), batteryKwh: r.pick([350, 400, 450]), socPct: r.int(30, 60), targetSocPct: 90,
      maxPowerW: 150_000, phases: 3, fleet: true, phasesDeclared: true, priority: i % 25 === 0 ? 1 : 0, behaviour: obeys,
    };
  });
  return {
    name: 'c-bus-depot-200dc-overnight',
    description: '200×80 kW DC on grid 3×5600 A/3.7 MW → 4 transformers 1600 A → 20 rows 630 A; buses 350-450 kWh, 30-60 % → 90 %, 18:00-08:00, night tariff',
    site: { circuits, evses },
    start: DAY + startS * 1000, durationS: 14 * H, cars,
    buildingLoad: [{ circuitId: 'grid', at: depotLoad }],
    prices: touPrices(DAY, 2, (h) => (h >= 23 || h < 5 ? 0.1 : 0.25)),
    fleetSchedule: true,
    cycleS: 10, ...timing, optimumSlotS: 900,
  };
}

/**
 * (d) A sudden limit drop: a grid-operator signal cuts the connection to 60 A for 30 min, later to 40 A for 15 min.
 * Like a real curtailment signal, each arrives with its duration (`until`) and no earlier than it takes effect.
 */
export function limitDrop30(): Scenario {
  const r = seeded(4);
  const start = DAY + 8 * H * 1000;
  const at = (s: number) => start + s * 1000;
  const evses: EvseModel[] = Array.from({ length: 30 }, (_, i) => ({ id: `L${i}`, circuitId: i < 15 ? 'left' : 'right', kind: 'AC', phases: 3, rotation: ROTATIONS[i % 3]!, unit: 'A', maxCurrentA: 32 }));
  const cars: CarSpec[] = evses.map((e, i) => {
    const phases = r.next() < 0.25 ? 1 : 3;
    return {
      id: `l-${i}`, evseId: e.id, arriveS: r.int(0, 600), departS: r.int(3 * H, 4 * H - 60), batteryKwh: r.pick([40, 50, 60]), socPct: r.int(50, 70), targetSocPct: 80,
      maxPowerW: phases === 1 ? 7400 : 11_000, phases, fleet: true, phasesDeclared: r.next() < 0.5, priority: 0, behaviour: obeys,
    };
  });
  return {
    name: 'd-sudden-limit-drop',
    description: '30 AC chargers on grid 3×160 A (two panels of 100 A); at 1 h the grid limit drops to 60 A for 30 min, at 3 h to 40 A for 15 min, 4 h',
    site: { circuits: [{ id: 'grid', limitA: 160, marginA: 4 }, { id: 'left', parentId: 'grid', limitA: 100, marginA: 2 }, { id: 'right', parentId: 'grid', limitA: 100, marginA: 2 }], evses },
    start, durationS: 4 * H, cars, buildingLoad: [],
    limitEvents: [
      { atS: H, override: { circuitId: 'grid', limitA: 60, until: at(1.5 * H) } },
      { atS: 1.5 * H, override: { circuitId: 'grid', clear: true } },
      { atS: 3 * H, override: { circuitId: 'grid', limitA: 40, until: at(3.25 * H) } },
      { atS: 3.25 * H, override: { circuitId: 'grid', clear: true } },
    ],
    cycleS: 10, ...timing, optimumSlotS: 300,
  };
}

/** (e) Quirks: a car that ignores its limit, cars that follow 3 s late, a station with an 8 A minimum, a scheduled limit drop. */
export function quirks10(): Scenario {
  const r = seeded(5);
  const evses: EvseModel[] = Array.from({ length: 10 }, (_, i) => ({ id: `Q${i}`, circuitId: 'grid', kind: 'AC', phases: 3, rotation: ROTATIONS[i % 3]!, unit: 'A', maxCurrentA: 16, ...(i === 4 ? { quirks: { minCurrentA: 8, stepA: 1 } } : {}) }));
  const cars: CarSpec[] = evses.map((e, i) => ({
    id: `q-${i}`, evseId: e.id, arriveS: r.int(0, 900), departS: r.int(3 * H, 4 * H - 60), batteryKwh: 40, socPct: r.int(40, 60), targetSocPct: 80, maxPowerW: 11_000, phases: 3,
    fleet: true, phasesDeclared: true, priority: 0, behaviour: i === 0 ? { kind: 'ignores' } : i === 1 || i === 2 ? { kind: 'delayed', delayS: 3 } : obeys,
  }));
  return {
    name: 'e-quirks',
    description: '10 AC chargers on 3×63 A with a 16 A margin (one 16 A car\'s overdraw until it is measured): one car ignores limits (detected, reserved at its draw), two follow 3 s late, an 8 A-minimum station; contracted limit 45 A 09:00-10:00',
    site: { circuits: [{ id: 'grid', limitA: 63, marginA: 16, schedule: [{ fromMinute: 9 * 60, toMinute: 10 * 60, limitA: 45 }] }], evses },
    start: DAY + 8 * H * 1000, durationS: 4 * H, cars, buildingLoad: [],
    cycleS: 10, ...timing, optimumSlotS: 300,
  };
}

export const SCENARIOS = [workplace20, mixedDepot48, busDepot200, limitDrop30, quirks10];
