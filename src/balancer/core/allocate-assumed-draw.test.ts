import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, circuitOf, grid, HOUR, MIN, run, session, T0 } from './test-fixtures.ts';
import type { SiteModel } from './types.ts';

const site: SiteModel = { circuits: [grid(40)], evses: [ac('A', 'grid'), ac('B', 'grid', { phases: 3 })] };

describe('assumed draw of a session that may not follow its limit', () => {
  it('reserves the assumed draw on every EVSE phase and the others get the rest', () => {
    const r = run(site, { now: T0, sessions: [session('A', { assumedDrawA: 25, lastAllocation: { currentA: 10, at: T0 - MIN } }), session('B')] });
    assert.equal(byEvse(r, 'A').reservedA, 25);
    assert.deepEqual(byEvse(r, 'A').gridA, [25, 25, 25]);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'assumed-draw', drawA: 25 });
    // It keeps being told what it was told: no raise while it is in doubt.
    assert.equal(byEvse(r, 'A').currentA, 10);
    assert.equal(byEvse(r, 'B').currentA, 15);
    assert.deepEqual(circuitOf(r, 'grid').allocatedA, [40, 40, 40]);
  });

  it('counts every phase even when the car was seen on one', () => {
    const r = run(site, { now: T0, sessions: [session('A', { assumedDrawA: 12, measuredA: [5.5, 0, 0], measuredAt: T0 - 5000, lastAllocation: { currentA: 6, at: T0 - MIN } })] });
    assert.deepEqual(byEvse(r, 'A').gridA, [12, 12, 12]);
  });

  it('counts the higher of an assumed draw and a measured overdraw', () => {
    const r = run(site, { now: T0, sessions: [session('A', { assumedDrawA: 8, measuredA: [20, 20, 20], measuredAt: T0 - 5000, lastAllocation: { currentA: 10, at: T0 - 10 * MIN } })] });
    assert.equal(byEvse(r, 'A').binding.kind, 'overdraw');
    assert.equal(byEvse(r, 'A').reservedA, 21);
  });

  it('is allocated normally once the assumption is gone', () => {
    const r = run(site, { now: T0, sessions: [session('A', { assumedDrawA: 0, lastAllocation: { currentA: 10, at: T0 - MIN } })] });
    assert.equal(byEvse(r, 'A').currentA, 32);
  });
});

describe('a deadline with time to spare takes turns', () => {
  // 12 A room: one car at its 6 A minimum per phase twice over, not three.
  const small: SiteModel = { circuits: [grid(12)], evses: [ac('A', 'grid'), ac('B', 'grid'), ac('C', 'grid')] };
  const relaxed = { departureAt: T0 + 10 * HOUR, energyKwh: 4 };

  it('a car without a departure is not kept out by deadlines that need less than their minimum now', () => {
    const r = run(small, {
      now: T0,
      sessions: [session('A', { need: relaxed }), session('B', { need: relaxed }), session('C', { startedAt: T0 - 60 * MIN })],
    });
    // C has waited longest; A and B need about 0.6 A now and have hours to spare.
    assert.equal(byEvse(r, 'C').currentA, 6);
  });

  it('a deadline without time to spare comes first', () => {
    const tight = { departureAt: T0 + 40 * MIN, energyKwh: 2.5 };
    const r = run(small, {
      now: T0,
      sessions: [session('A', { need: tight }), session('B', { need: tight }), session('C', { startedAt: T0 - 60 * MIN })],
    });
    assert.equal(byEvse(r, 'C').currentA, 0);
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 12);
  });
});
