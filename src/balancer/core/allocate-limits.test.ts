import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, circuitOf, dc, grid, MIN, run, session, T0 } from './test-fixtures.ts';
import type { SiteModel } from './types.ts';

/** grid 100 A → feeder F 50 A → panel P 20 A; chargers on each level. */
const tree: SiteModel = {
  circuits: [grid(100, { marginA: 2 }), { id: 'F', parentId: 'grid', limitA: 50, marginA: 1 }, { id: 'P', parentId: 'F', limitA: 20 }],
  evses: [ac('onGrid', 'grid'), ac('onF', 'F'), ac('onP1', 'P'), ac('onP2', 'P')],
};
const all = tree.evses.map((e) => session(e.id));

describe('circuit limits at every level', () => {
  it('keeps each level of the tree within limit − margin', () => {
    const r = run(tree, { now: T0, sessions: all });
    assert.equal(byEvse(r, 'onP1').currentA, 10);
    assert.equal(byEvse(r, 'onP2').currentA, 10);
    assert.equal(byEvse(r, 'onF').currentA, 29);
    assert.equal(byEvse(r, 'onGrid').currentA, 32);
    assert.deepEqual(byEvse(r, 'onP1').binding, { kind: 'circuit', circuit: 'P', phase: 'L1', utilisation: 1 });
    assert.equal(circuitOf(r, 'F').allocatedA[0], 49);
  });

  it('the root binds when it is the smallest', () => {
    const site = { ...tree, circuits: [grid(40), tree.circuits[1]!, tree.circuits[2]!] };
    const r = run(site, { now: T0, sessions: all });
    assert.equal(circuitOf(r, 'grid').allocatedA[1], 40);
    assert.equal(byEvse(r, 'onGrid').binding.kind, 'circuit');
  });

  it('applies a power limit in kW over the sum of the phases', () => {
    const site = { circuits: [grid(100, { maxPowerKw: 22.08 })], evses: [ac('A', 'grid'), ac('B', 'grid')] };
    const r = run(site, { now: T0, sessions: [session('A'), session('B')] });
    // 22.08 kW / (230 V × 3) = 32 A in all, 16 A each.
    assert.equal(byEvse(r, 'A').currentA, 16);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'circuit', circuit: 'grid', phase: 'power', utilisation: 1 });
  });

  it('counts DC chargers by their AC input, efficiency included', () => {
    const site = { circuits: [grid(100)], evses: [dc('D', 'grid', { dcEfficiency: 0.9 })] };
    const r = run(site, { now: T0, sessions: [session('D')] });
    assert.equal(byEvse(r, 'D').currentA, 100);
    assert.equal(byEvse(r, 'D').limit, Math.floor(100 * 230 * 3 * 0.9));
  });

  it('follows a weekday time-of-day schedule and reduces ahead of a scheduled drop', () => {
    const site = { circuits: [grid(63, { schedule: [{ days: [1, 2, 3, 4, 5], fromMinute: 17 * 60, toMinute: 20 * 60, limitA: 25 }] })], evses: [ac('A', 'grid'), ac('B', 'grid')] };
    const monday = (h: number, m = 0) => Date.UTC(2025, 0, 6, h, m);
    const before = run(site, { now: monday(16, 0), sessions: [session('A'), session('B')] });
    assert.equal(byEvse(before, 'A').currentA, 31.5);
    const justBefore = run(site, { now: monday(16, 59) + 30_000, sessions: [session('A'), session('B')] });
    assert.equal(byEvse(justBefore, 'A').currentA, 12.5);
    const sunday = run(site, { now: Date.UTC(2025, 0, 5, 18), sessions: [session('A'), session('B')] });
    assert.equal(byEvse(sunday, 'A').currentA, 31.5);
  });

  it('reads schedules in the site time zone, including entries past midnight', () => {
    const site = { timeZone: 'Europe/Berlin', circuits: [grid(63, { schedule: [{ fromMinute: 22 * 60, toMinute: 6 * 60, limitA: 10 }] })], evses: [ac('A', 'grid')] };
    // 21:30 UTC = 22:30 in Berlin (winter): inside the night entry; 06:30 Berlin is outside.
    assert.equal(byEvse(run(site, { now: Date.UTC(2025, 0, 6, 21, 30), sessions: [session('A')] }), 'A').currentA, 10);
    assert.equal(byEvse(run(site, { now: Date.UTC(2025, 0, 7, 5, 30), sessions: [session('A')] }), 'A').currentA, 32);
  });

  it('takes a limit override (grid operator signal) at once', () => {
    const site = { circuits: [grid(63)], evses: [ac('A', 'grid'), ac('B', 'grid')] };
    const r = run(site, { now: T0, sessions: [session('A'), session('B')], limitOverrides: [{ circuitId: 'grid', limitA: 20 }] });
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 20);
  });
});

describe('building load and silent meters', () => {
  const site: SiteModel = {
    circuits: [grid(63, { metered: true, fallbackLoadA: [40, 40, 40] }), { id: 'P', parentId: 'grid', limitA: 40 }],
    evses: [ac('A', 'P'), ac('B', 'grid')],
  };

  it('subtracts the measured non-charger load per phase', () => {
    const r = run(site, { now: T0, sessions: [session('A'), session('B')], loads: [{ circuitId: 'grid', currentA: [10, 30, 20], measuredAt: T0 - 5000 }] });
    // L2: 63 − 30 = 33 for both.
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 33);
    assert.deepEqual(circuitOf(r, 'grid').loadA, [10, 30, 20]);
    assert.equal(circuitOf(r, 'grid').loadStale, false);
  });

  it('load measured on a sub-panel counts there and on every circuit above', () => {
    const r = run(site, { now: T0, sessions: [session('A'), session('B')], loads: [{ circuitId: 'grid', currentA: [0, 0, 0], measuredAt: T0 }, { circuitId: 'P', currentA: [25, 25, 25], measuredAt: T0 }] });
    assert.equal(byEvse(r, 'A').currentA, 15);
    assert.equal(byEvse(r, 'B').currentA, 23);
  });

  it('falls back to the configured worst case when the meter goes silent', () => {
    const r = run(site, { now: T0, sessions: [session('A'), session('B')], loads: [{ circuitId: 'grid', currentA: [5, 5, 5], measuredAt: T0 - 5 * MIN }] });
    assert.equal(circuitOf(r, 'grid').loadStale, true);
    assert.deepEqual(circuitOf(r, 'grid').loadA, [40, 40, 40]);
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 23);
  });

  it('assumes the worst case for a meter never heard from', () => {
    const r = run(site, { now: T0, sessions: [session('A'), session('B')] });
    assert.equal(circuitOf(r, 'grid').loadStale, true);
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 23);
  });

  it('pauses everyone when the load leaves no room for a minimum', () => {
    const r = run(site, { now: T0, sessions: [session('A'), session('B')], loads: [{ circuitId: 'grid', currentA: [60, 10, 10], measuredAt: T0 }] });
    assert.equal(byEvse(r, 'A').currentA, 0);
    assert.equal(byEvse(r, 'B').currentA, 0);
    assert.equal(byEvse(r, 'A').binding.kind, 'paused-min-current');
  });
});
