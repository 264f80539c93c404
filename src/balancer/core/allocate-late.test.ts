import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, grid, HOUR, run, session, T0 } from './test-fixtures.ts';
import type { PriceSlot } from './types.ts';

const twoOnGrid = { circuits: [grid(32)], evses: [ac('A', 'grid'), ac('B', 'grid')] };
// 32 A × 3 × 230 V = 22.08 kW

describe('cars that cannot make it, and what the plan may count on', () => {
  it('a late car leaving soon gets what a car with hours to spare does not need now', () => {
    const r = run(twoOnGrid, {
      now: T0,
      sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 40 } }), session('B', { need: { departureAt: T0 + 10 * HOUR, energyKwh: 10 } })],
    });
    assert.ok(byEvse(r, 'A').atRisk !== null);
    assert.equal(byEvse(r, 'B').atRisk, null);
    // B needs 10 kWh in 10 h (about 1.5 A now) and has hours to spare: A, leaving within the hour, gets it all now.
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.equal(byEvse(r, 'B').currentA, 0);
  });

  it('plans a car whose phases are not known yet on its power, not on the current its power could take on one phase', () => {
    const r = run(twoOnGrid, { now: T0, sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 12, maxPowerW: 11_000 } })] });
    // It may draw 32 A on one phase (reserved so), but 11 kW in an hour leaves 1 kWh missing.
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.ok(Math.abs(byEvse(r, 'A').atRisk!.shortfallKwh - 1) < 0.05, JSON.stringify(byEvse(r, 'A').atRisk));
  });

  it('does not hold back for cheaper hours that cannot hold every deadline', () => {
    const at = (h: number) => Date.UTC(2025, 0, 6, h);
    const prices: PriceSlot[] = [{ from: at(0), to: at(2), price: 0.3 }, { from: at(2), to: at(3), price: 0.1 }, { from: at(3), to: at(7), price: 0.2 }];
    // 120 kWh by 07:00 fits only with more than the half of the later hours the cheap plan may count on.
    const r = run(twoOnGrid, { now: at(0), prices, sessions: [session('A', { need: { departureAt: at(7), energyKwh: 120 } }), session('B')] });
    assert.notEqual(byEvse(r, 'A').binding.kind, 'price');
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 32);
  });
});
