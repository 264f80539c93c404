import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, grid, HOUR, run, session, T0 } from './test-fixtures.ts';
import type { PriceSlot } from './types.ts';

const twoOnGrid = { circuits: [grid(32)], evses: [ac('A', 'grid'), ac('B', 'grid')] };
// 32 A × 3 × 230 V = 22.08 kW

describe('deadlines, prices and readiness', () => {
  it('gives a deadline what it needs now (spread over the time left) and the flexible car the rest', () => {
    const r = run(twoOnGrid, {
      now: T0,
      sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 15 } }), session('B', { need: { departureAt: T0 + 8 * HOUR, energyKwh: 20 } })],
    });
    // 15 kWh in an hour is 21.7 A on three phases; the plan keeps 15 % in hand.
    assert.ok(byEvse(r, 'A').currentA >= 21.7 && byEvse(r, 'A').currentA <= 26, `${byEvse(r, 'A').currentA}`);
    assert.equal(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA, 32);
    assert.equal(byEvse(r, 'A').atRisk, null);
    assert.ok(byEvse(r, 'A').projectedReadyAt! <= T0 + HOUR);
    assert.equal(byEvse(r, 'B').atRisk, null);
  });

  it('pauses the flexible car when the earliest deadline needs everything', () => {
    const r = run(twoOnGrid, {
      now: T0,
      sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 21 } }), session('B', { need: { departureAt: T0 + 8 * HOUR, energyKwh: 20 } })],
    });
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.equal(byEvse(r, 'B').currentA, 0);
    assert.deepEqual(byEvse(r, 'B').binding, { kind: 'deadline', circuit: 'grid', phase: 'L1' });
    // B is planned evenly over its eight hours, with a little in hand.
    const readyB = byEvse(r, 'B').projectedReadyAt!;
    assert.ok(readyB > T0 + 6 * HOUR && readyB < T0 + 8 * HOUR, new Date(readyB).toISOString());
    assert.equal(byEvse(r, 'B').atRisk, null);
  });

  it('flags a car that cannot make its departure with the shortfall in kWh', () => {
    const r = run(twoOnGrid, { now: T0, sessions: [session('A', { need: { departureAt: T0 + HOUR, energyKwh: 40 } })] });
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.ok(Math.abs(byEvse(r, 'A').atRisk!.shortfallKwh - (40 - 22.08)) < 0.01);
    assert.equal(byEvse(r, 'A').projectedReadyAt, null);
  });

  it('counts the remaining need from state of charge when the car reports it', () => {
    const r = run(twoOnGrid, { now: T0, sessions: [session('A', { energyKwh: 5, need: { departureAt: T0 + HOUR, socPct: 50, targetSocPct: 80, batteryKwh: 100 } })] });
    assert.equal(byEvse(r, 'A').needKwh, 30);
    assert.ok(Math.abs(byEvse(r, 'A').atRisk!.shortfallKwh - (30 - 22.08)) < 0.01);
  });

  it('stops a car that reached its target', () => {
    const r = run(twoOnGrid, { now: T0, sessions: [session('A', { energyKwh: 20, need: { energyKwh: 20 } }), session('B')] });
    assert.equal(byEvse(r, 'A').currentA, 0);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'target-reached' });
    assert.equal(byEvse(r, 'B').currentA, 32);
    assert.equal(byEvse(r, 'A').projectedReadyAt, T0);
  });

  it('projects the ready time of a car without deadline from its allocation', () => {
    const r = run(twoOnGrid, { now: T0, sessions: [session('A', { need: { energyKwh: 11.04 } }), session('B')] });
    assert.equal(byEvse(r, 'A').currentA, 16);
    assert.equal(byEvse(r, 'A').projectedReadyAt, T0 + HOUR);
  });

  describe('time-of-use prices', () => {
    const at = (h: number) => Date.UTC(2025, 0, 6, h);
    const prices: PriceSlot[] = [
      { from: at(0), to: at(2), price: 0.3 },
      { from: at(2), to: at(3), price: 0.1 },
      { from: at(3), to: at(7), price: 0.2 },
    ];
    const sessions = [session('A', { need: { departureAt: at(7), energyKwh: 10 } }), session('B', { need: { departureAt: at(7), energyKwh: 10 } })];

    it('waits for the cheap hours when the deadline allows', () => {
      const r = run(twoOnGrid, { now: at(0), sessions, prices });
      for (const id of ['A', 'B']) {
        assert.equal(byEvse(r, id).currentA, 0);
        assert.deepEqual(byEvse(r, id).binding, { kind: 'price', cheaperFrom: at(2) });
        assert.equal(byEvse(r, id).atRisk, null);
      }
    });

    it('does not plan both cars into the same cheap hour of a shared circuit', () => {
      const r = run(twoOnGrid, { now: at(0), sessions, prices });
      const ready = ['A', 'B'].map((id) => byEvse(r, id).projectedReadyAt!).sort((a, b) => a - b);
      // The plan counts on half of the cheap hour (11 kWh): one car fits, the other finishes in the dearer hours.
      assert.ok(ready[0]! <= at(3), new Date(ready[0]!).toISOString());
      assert.ok(ready[1]! > at(3), new Date(ready[1]!).toISOString());
    });

    it('charges in the cheap hour', () => {
      const r = run(twoOnGrid, { now: at(2), sessions, prices });
      assert.ok(byEvse(r, 'A').currentA + byEvse(r, 'B').currentA >= 31.8);
    });

    it('charges at a dear time when the deadline needs it', () => {
      const tight = [session('A', { need: { departureAt: at(1), energyKwh: 11 } })];
      const r = run(twoOnGrid, { now: at(0), sessions: tight, prices });
      assert.ok(byEvse(r, 'A').currentA >= 16);
    });

    it('charges cars without a departure time at once', () => {
      const r = run(twoOnGrid, { now: at(0), sessions: [session('A')], prices });
      assert.equal(byEvse(r, 'A').currentA, 32);
    });
  });
});

describe('vehicles expected later (the fleet schedule)', () => {
  const at = (h: number) => Date.UTC(2025, 0, 6, h);
  const prices: PriceSlot[] = [{ from: at(0), to: at(2), price: 0.3 }, { from: at(2), to: at(3), price: 0.1 }, { from: at(3), to: at(9), price: 0.2 }];
  const present = [session('A', { need: { departureAt: at(8), energyKwh: 10 } })];

  it('does not promise the cheap hours to a car already here when a vehicle leaving earlier will need them', () => {
    const alone = run(twoOnGrid, { now: at(0), sessions: present, prices });
    assert.ok(byEvse(alone, 'A').projectedReadyAt! <= at(3));
    const expected = [{ vehicleId: 'bus-7', evseId: 'B', arriveAt: at(1), need: { departureAt: at(3), energyKwh: 10 } }];
    const shared = run(twoOnGrid, { now: at(0), sessions: present, prices, expected });
    assert.ok(byEvse(shared, 'A').projectedReadyAt! > at(3), new Date(byEvse(shared, 'A').projectedReadyAt!).toISOString());
    assert.equal(shared.evses.length, 1);
  });
});

describe('keeping the deadline plan between cycles', () => {
  const sessions = [session('A', { need: { departureAt: T0 + 4 * HOUR, energyKwh: 20 } })];

  it('reuses the plan for a while and makes it again when sessions, limits or the slot change', () => {
    const first = run(twoOnGrid, { now: T0, sessions });
    assert.equal(first.memory.plan!.at, T0);
    const again = run(twoOnGrid, { now: T0 + 10_000, sessions, memory: first.memory });
    assert.equal(again.memory.plan!.at, T0);
    const arrived = run(twoOnGrid, { now: T0 + 20_000, sessions: [...sessions, session('B', { need: { departureAt: T0 + HOUR, energyKwh: 5 } })], memory: again.memory });
    assert.equal(arrived.memory.plan!.at, T0 + 20_000);
    const limited = run(twoOnGrid, { now: T0 + 25_000, sessions, memory: first.memory, limitOverrides: [{ circuitId: 'grid', limitA: 20 }] });
    assert.equal(limited.memory.plan!.at, T0 + 25_000);
    const later = run(twoOnGrid, { now: T0 + 40_000, sessions, memory: first.memory });
    assert.equal(later.memory.plan!.at, T0 + 40_000);
  });
});
