import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, grid, HOUR, MIN, run, session, T0 } from './test-fixtures.ts';
import type { PlanMemory } from './types.ts';

// 16 A × 3 × 230 V = 11.04 kW per car at its maximum.
const KW16 = 11.04;

describe('deadlines when not every car can make it', () => {
  it('plans on the capacity a car that ignores its limit frees once it is full', () => {
    // X ignores its limit (reserved at its 16 A) and is full in half an hour; Y needs 32 A for most of its two
    // hours, which it gets only once X is done. Counting X's reservation until Y leaves, Y would be given up.
    const site = { circuits: [grid(32)], evses: [ac('X', 'grid', { maxCurrentA: 16, quirks: { ignoresLimits: true } }), ac('Y', 'grid')] };
    const r = run(site, {
      now: T0,
      sessions: [
        session('X', { measuredA: [16, 16, 16], measuredAt: T0, need: { departureAt: T0 + 4 * HOUR, energyKwh: KW16 / 2 } }),
        session('Y', { need: { departureAt: T0 + 2 * HOUR, energyKwh: 30 } }),
      ],
    });
    assert.equal(byEvse(r, 'X').reservedA, 16);
    assert.equal(byEvse(r, 'Y').currentA, 16);
    assert.equal(byEvse(r, 'Y').atRisk, null);
    assert.ok(byEvse(r, 'Y').projectedReadyAt! <= T0 + 2 * HOUR);
  });

  it('keeps giving up on the car it gave up on last time when that leaves no more cars late', () => {
    // One car at a time on 16 A: A (15 kWh) or B (14 kWh) makes it, not both. Alone, the plan gives up on the
    // bigger need (A); told it gave up on B in its last plan, it stays with that.
    const site = { circuits: [grid(16)], evses: [ac('A', 'grid', { maxCurrentA: 16 }), ac('B', 'grid', { maxCurrentA: 16 })] };
    const sessions = [
      session('A', { need: { departureAt: T0 + 2 * HOUR, energyKwh: 15 } }),
      session('B', { need: { departureAt: T0 + 2 * HOUR + 5 * MIN, energyKwh: 14 } }),
    ];
    const fresh = run(site, { now: T0, sessions });
    assert.ok(byEvse(fresh, 'A').atRisk, 'without a past plan the bigger need is given up');
    assert.equal(byEvse(fresh, 'B').atRisk, null);

    const planned = { nowA: 0, shortfallKwh: 0, projectedReadyAt: null, cheapestNow: true, cheaperFrom: null, laxityS: 0 };
    const plan: PlanMemory = { at: T0 - MIN, key: 'before', mode: 'asap', sessions: { 's-A': planned, 's-B': { ...planned, shortfallKwh: 2 } } };
    const kept = run(site, { now: T0, sessions, memory: { sessions: {}, plan } });
    assert.equal(byEvse(kept, 'A').atRisk, null);
    assert.equal(byEvse(kept, 'A').currentA, 16);
    assert.ok(byEvse(kept, 'B').atRisk);
  });

  it('gives a car that cannot make it nothing now that a late car that still could make it needs', () => {
    // One car at a time on 16 A. H cannot make its departure even at its maximum. L1 and L2 do not both fit: L2 is
    // late, but only by a little, and every ampere H takes now is one L2 lacks at its departure.
    const site = { circuits: [grid(16)], evses: [ac('H', 'grid', { maxCurrentA: 16 }), ac('L1', 'grid', { maxCurrentA: 16 }), ac('L2', 'grid', { maxCurrentA: 16 })] };
    const r = run(site, {
      now: T0,
      sessions: [
        session('H', { need: { departureAt: T0 + 20 * MIN, energyKwh: 10 } }),
        session('L1', { need: { departureAt: T0 + 2 * HOUR, energyKwh: 12 } }),
        session('L2', { need: { departureAt: T0 + 2 * HOUR + MIN, energyKwh: 12 } }),
      ],
    });
    const plan = r.memory.plan!.sessions;
    assert.ok(plan['s-H']!.shortfallKwh > 0 && plan['s-L2']!.shortfallKwh > 0, JSON.stringify(plan));
    assert.equal(plan['s-H']!.nowA, 0);
    assert.equal(byEvse(r, 'H').currentA, 0);
    assert.equal(byEvse(r, 'L1').currentA + byEvse(r, 'L2').currentA, 16);
  });
});
