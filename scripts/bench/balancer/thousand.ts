import type { EvseModel, Phase, PriceSlot, SessionState, SiteModel, SiteState } from '../../../src/balancer/core/types.ts';

const ROTATIONS: Phase[][] = [['L1', 'L2', 'L3'], ['L2', 'L3', 'L1'], ['L3', 'L1', 'L2']];

/**
 * A large depot for the timing figure: 1,000 EVSEs (every tenth DC) under grid → 10 feeders → 10 panels each,
 * all occupied, mixed 1-/3-phase cars, deadlines, priorities, a time-of-day limit, building load and prices.
 */
export function thousandEvseSite(now: number): { site: SiteModel; state: SiteState } {
  const circuits: SiteModel['circuits'] = [{ id: 'grid', limitA: 4000, maxPowerKw: 2600, marginA: 20, metered: true, fallbackLoadA: 200, schedule: [{ fromMinute: 17 * 60, toMinute: 20 * 60, limitA: 3000 }] }];
  const evses: EvseModel[] = [];
  for (let f = 0; f < 10; f++) {
    circuits.push({ id: `F${f}`, parentId: 'grid', limitA: 630, marginA: 5 });
    for (let p = 0; p < 10; p++) {
      circuits.push({ id: `F${f}P${p}`, parentId: `F${f}`, limitA: 125, marginA: 2 });
      for (let e = 0; e < 10; e++) {
        const i = evses.length;
        const dc = e === 9;
        evses.push(dc
          ? { id: `E${i}`, circuitId: `F${f}P${p}`, kind: 'DC', phases: 3, unit: 'W', maxPowerW: 50_000, minPowerW: 2000 }
          : { id: `E${i}`, circuitId: `F${f}P${p}`, kind: 'AC', phases: 3, rotation: ROTATIONS[i % 3]!, unit: i % 4 === 0 ? 'W' : 'A', maxCurrentA: 32 });
      }
    }
  }
  const sessions: SessionState[] = evses.map((e, i) => ({
    evseId: e.id,
    sessionId: `S${i}`,
    startedAt: now - (i % 60) * 60_000,
    energyKwh: i % 7,
    measuredA: i % 5 === 0 ? [10, 0, 0] : [14, 14, 14],
    measuredAt: now - 5000,
    lastAllocation: { currentA: 16, at: now - 120_000 },
    need: {
      departureAt: now + (4 + (i % 9)) * 3_600_000,
      energyKwh: 10 + (i % 40),
      priority: i % 10 === 0 ? 1 : 0,
      ...(i % 5 === 0 ? { phases: 1 as const } : {}),
    },
  }));
  const prices: PriceSlot[] = Array.from({ length: 48 }, (_, h) => ({ from: now + h * 3_600_000, to: now + (h + 1) * 3_600_000, price: [0.3, 0.25, 0.12, 0.1, 0.1, 0.2][h % 6]! }));
  return {
    site: { circuits, evses, timeZone: 'UTC' },
    state: { now, sessions, loads: [{ circuitId: 'grid', currentA: [180, 150, 210], measuredAt: now - 2000 }], prices },
  };
}
