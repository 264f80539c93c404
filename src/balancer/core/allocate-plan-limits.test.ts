import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, grid, HOUR, run, session, T0 } from './test-fixtures.ts';

describe('deadline plan: overrides that end, cars that cannot make it', () => {
  const one = { circuits: [grid(32)], evses: [ac('A', 'grid')] };
  const need = { departureAt: T0 + 3 * HOUR, energyKwh: 30 };

  it('plans on the limit coming back when an override says when it ends', () => {
    // 10 A for the first hour (6.9 kWh), then 32 A (44 kWh in two hours): 30 kWh fits.
    const ending = run(one, { now: T0, sessions: [session('A', { need })], limitOverrides: [{ circuitId: 'grid', limitA: 10, until: T0 + HOUR }] });
    assert.ok(byEvse(ending, 'A').currentA <= 10);
    assert.equal(byEvse(ending, 'A').atRisk, null);
    assert.ok(byEvse(ending, 'A').projectedReadyAt! <= T0 + 3 * HOUR);
    // Without an end it is planned as lasting: 10 A for three hours is 20.7 kWh.
    const lasting = run(one, { now: T0, sessions: [session('A', { need })], limitOverrides: [{ circuitId: 'grid', limitA: 10 }] });
    assert.ok(Math.abs(byEvse(lasting, 'A').atRisk!.shortfallKwh - (30 - 20.7)) < 0.01);
  });

  it('ignores an override that has ended', () => {
    const r = run(one, { now: T0 + 2 * HOUR, sessions: [session('A')], limitOverrides: [{ circuitId: 'grid', limitA: 10, until: T0 + HOUR }] });
    assert.equal(byEvse(r, 'A').currentA, 32);
  });

  it('does not let a car that cannot make it even at its maximum have the others planned as soon as possible', () => {
    // A needs 40 kWh within the hour (22 kWh at most); B needs 30 kWh within two hours (21.7 A evenly).
    const site = { circuits: [grid(40)], evses: [ac('A', 'grid'), ac('B', 'grid')] };
    const r = run(site, {
      now: T0,
      sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 40 } }), session('B', { need: { departureAt: T0 + 2 * HOUR, energyKwh: 30 } })],
    });
    // B keeps its even rate (with 15 % in hand), A gets the rest rather than what B would take as soon as possible.
    assert.ok(byEvse(r, 'B').currentA >= 21.7 && byEvse(r, 'B').currentA <= 26, `${byEvse(r, 'B').currentA}`);
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 40);
    assert.equal(byEvse(r, 'B').atRisk, null);
    assert.ok(byEvse(r, 'A').atRisk!.shortfallKwh > 17);
  });

  it('still gives such a car its maximum now when the others make it on part of the later capacity', () => {
    const site = { circuits: [grid(40)], evses: [ac('A', 'grid'), ac('B', 'grid')] };
    const r = run(site, {
      now: T0,
      sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 40 } }), session('B', { need: { departureAt: T0 + 4 * HOUR, energyKwh: 45 } })],
    });
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.equal(byEvse(r, 'B').currentA, 8);
    assert.equal(byEvse(r, 'B').atRisk, null);
  });
});
