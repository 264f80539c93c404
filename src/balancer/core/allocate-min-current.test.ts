import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, cycles, dc, grid, run, session, T0 } from './test-fixtures.ts';

const five = ['A', 'B', 'C', 'D', 'E'];

describe('minimum current and pausing', () => {
  it('pauses some sessions at 0 A rather than giving anyone less than 6 A', () => {
    const site = { circuits: [grid(20)], evses: five.map((id) => ac(id, 'grid')) };
    const r = run(site, { now: T0, sessions: five.map((id, i) => session(id, { startedAt: T0 - (10 - i) * 60_000 })) });
    const running = r.evses.filter((e) => e.currentA > 0);
    assert.equal(running.length, 3);
    for (const e of r.evses) assert.ok(e.currentA === 0 || e.currentA >= 6, `${e.evseId} got ${e.currentA}`);
    // The first to arrive run; the others wait for their turn.
    assert.deepEqual(running.map((e) => e.evseId), ['A', 'B', 'C']);
    assert.deepEqual(byEvse(r, 'E').binding, { kind: 'paused-min-current', circuit: 'grid', phase: 'L1' });
  });

  it('rotates the paused sessions in fairly over time', () => {
    const site = { circuits: [grid(20)], evses: five.map((id) => ac(id, 'grid')), settings: { rotationPeriodS: 600 } };
    const runSeconds = new Map(five.map((id) => [id, 0]));
    cycles(site, { now: T0, sessions: five.map((id, i) => session(id, { startedAt: T0 - i * 1000 })) }, 360, 10_000, (r) => {
      for (const e of r.evses) if (e.currentA > 0) runSeconds.set(e.evseId, runSeconds.get(e.evseId)! + 10);
      assert.ok(r.evses.every((e) => e.currentA === 0 || e.currentA >= 6));
    });
    const shares = [...runSeconds.values()];
    // 3 of 5 run at a time over an hour: 36 min each on average; nobody far from it.
    for (const s of shares) assert.ok(s >= 1800 && s <= 2600, `run seconds ${shares.join(', ')}`);
  });

  it('a running session keeps its place for the rotation period (no flapping)', () => {
    const site = { circuits: [grid(12)], evses: ['A', 'B'].map((id) => ac(id, 'grid')), settings: { rotationPeriodS: 600 } };
    const switches: number[] = [];
    let last = '';
    cycles(site, { now: T0, sessions: [session('A'), session('B')] }, 120, 10_000, (r, i) => {
      const on = r.evses.filter((e) => e.currentA > 0).map((e) => e.evseId).join();
      if (on !== last) switches.push(i);
      last = on;
    });
    // 20 minutes: the first start, then one hand-over per 10 minutes at most.
    assert.ok(switches.length <= 3, `switched at cycles ${switches.join(', ')}`);
  });

  it('pauses lower priority first and says so', () => {
    const site = { circuits: [grid(11)], evses: ['LOW', 'HIGH'].map((id) => ac(id, 'grid')) };
    const r = run(site, { now: T0, sessions: [session('LOW', { startedAt: T0 - 3_600_000 }), session('HIGH', { need: { priority: 2 } })] });
    assert.equal(byEvse(r, 'HIGH').currentA, 11);
    assert.equal(byEvse(r, 'LOW').currentA, 0);
    assert.deepEqual(byEvse(r, 'LOW').binding, { kind: 'paused-priority', circuit: 'grid', phase: 'L1' });
  });

  it('serves a higher priority band fully before a lower one gets more than its minimum', () => {
    const site = { circuits: [grid(40)], evses: ['LOW', 'HIGH'].map((id) => ac(id, 'grid')) };
    const r = run(site, { now: T0, sessions: [session('LOW'), session('HIGH', { need: { priority: 1 } })] });
    assert.equal(byEvse(r, 'HIGH').currentA, 32);
    assert.equal(byEvse(r, 'LOW').currentA, 8);
  });

  it('respects a quirk minimum above 6 A (and a coarser step)', () => {
    const site = { circuits: [grid(15)], evses: [ac('Q', 'grid', { quirks: { minCurrentA: 8, stepA: 1 } }), ac('N', 'grid')] };
    const r = run(site, { now: T0, sessions: [session('N', { startedAt: T0 - 3_600_000 }), session('Q')] });
    // 15 A: N at least 6, Q needs 8: both fit (14), 1 A left, shared in 0.1 A / 1 A steps.
    assert.ok(byEvse(r, 'Q').currentA >= 8 && Number.isInteger(byEvse(r, 'Q').currentA));
    assert.ok(byEvse(r, 'N').currentA >= 6);
    const tight = run({ ...site, circuits: [grid(13)] }, { now: T0, sessions: [session('N', { startedAt: T0 - 3_600_000 }), session('Q')] });
    assert.equal(byEvse(tight, 'Q').currentA, 0);
    assert.equal(byEvse(tight, 'N').currentA, 13);
  });

  it('honours a configured EVSE minimum and a DC minimum power', () => {
    const site = { circuits: [grid(100)], evses: [ac('M', 'grid', { minCurrentA: 10 }), dc('D', 'grid', { minPowerW: 30_000 })] };
    const r = run({ ...site, circuits: [grid(50)] }, { now: T0, sessions: [session('M'), session('D', { startedAt: T0 - 3_600_000 })] });
    const d = byEvse(r, 'D');
    assert.ok(d.limit >= 30_000, `DC got ${d.limit} W`);
    assert.equal(d.unit, 'W');
    assert.ok(byEvse(r, 'M').currentA === 0 || byEvse(r, 'M').currentA >= 10);
  });

  it('gives nothing to a car whose maximum is below the EVSE minimum', () => {
    const r = run({ circuits: [grid(63)], evses: [ac('A', 'grid')] }, { now: T0, sessions: [session('A', { need: { maxCurrentA: 4 } })] });
    assert.equal(byEvse(r, 'A').currentA, 0);
    assert.equal(byEvse(r, 'A').binding.kind, 'vehicle-max');
  });
});
