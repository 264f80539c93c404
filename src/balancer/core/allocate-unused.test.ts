import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, grid, run, session, T0 } from './test-fixtures.ts';
import type { AllocationResult, SessionState, SiteModel, SiteState } from './types.ts';

const site: SiteModel = { circuits: [grid(40)], evses: [ac('A', 'grid'), ac('B', 'grid')], settings: { settleS: 20, probeIntervalS: 300, probeDurationS: 60 } };

/** Cycles every 10 s where car A draws at most `drawA(t)` and B draws what it is given. */
function simulate(seconds: number, drawA: (t: number) => number, each: (r: AllocationResult, t: number) => void) {
  let result: AllocationResult | undefined;
  const applied = new Map<string, { currentA: number; at: number }>();
  for (let t = 0; t <= seconds; t += 10) {
    const now = T0 + t * 1000;
    const sessions: SessionState[] = ['A', 'B'].map((id) => {
      const last = applied.get(id);
      const limit = last?.currentA ?? 0;
      const draw = id === 'A' ? Math.min(limit, drawA(t)) : limit;
      return session(id, { startedAt: T0 - 60_000, ...(last ? { lastAllocation: last, measuredA: [draw, draw, draw], measuredAt: now - 1000 } : {}) });
    });
    const state: SiteState = { now, sessions, ...(result ? { memory: result.memory } : {}) };
    result = run(site, state);
    for (const e of result.evses) if (applied.get(e.evseId)?.currentA !== e.currentA) applied.set(e.evseId, { currentA: e.currentA, at: now });
    each(result, t);
  }
}

describe('capacity a car does not use', () => {
  it('goes to others, and the car gets it back once it takes the headroom', () => {
    const seen: Array<[number, number, number, string]> = [];
    // A draws 8 A for 10 minutes, then wants everything again.
    simulate(1200, (t) => (t < 600 ? 8 : 32), (r, t) => seen.push([t, byEvse(r, 'A').currentA, byEvse(r, 'B').currentA, byEvse(r, 'A').binding.kind]));
    const at = (t: number) => seen.find((s) => s[0] === t)!;
    assert.deepEqual(at(0).slice(1, 3), [20, 20]);
    // After the settle time A is capped at its draw + 2 A and B gets the rest.
    assert.deepEqual(at(60).slice(1), [10, 30, 'unused']);
    assert.deepEqual(at(590).slice(1), [10, 30, 'unused']);
    // Once A draws up to its cap it is uncapped: back to a fair share within a minute.
    const back = seen.find(([t, a]) => t >= 600 && a === 20);
    assert.ok(back && back[0] <= 660, `back at ${back?.[0]}`);
    assert.deepEqual(at(1200).slice(1, 3), [20, 20]);
  });

  it('pauses a car that draws nothing and probes it with its minimum', () => {
    const seen: Array<[number, number, string]> = [];
    simulate(900, (t) => (t < 500 ? 0 : 32), (r, t) => seen.push([t, byEvse(r, 'A').currentA, byEvse(r, 'A').binding.kind]));
    const paused = seen.filter(([t, a]) => t > 60 && t < 300 && a === 0);
    assert.ok(paused.length > 0 && paused.every(([, , kind]) => kind === 'unused'));
    // The probe every 5 minutes gives it 6 A; from 500 s it takes it and is back to a fair share.
    assert.ok(seen.some(([t, a]) => t >= 300 && t < 500 && a === 6), JSON.stringify(seen.filter(([t]) => t >= 280 && t < 520)));
    assert.equal(seen.at(-1)![1], 20);
  });

  it('takes the driver\'s word that a car draws less', () => {
    const r = run(site, {
      now: T0,
      sessions: [session('A', { drawsLess: true, measuredA: [3, 3, 3], measuredAt: T0, lastAllocation: { currentA: 20, at: T0 - 60_000 } }), session('B')],
    });
    assert.equal(byEvse(r, 'A').currentA, 6);
    assert.equal(byEvse(r, 'A').binding.kind, 'unused');
    assert.equal(byEvse(r, 'B').currentA, 32);
  });
});

describe('stations that do not follow their limit', () => {
  it('reserves what a car draws above its limit and tightens the others', () => {
    const r = run(site, {
      now: T0,
      sessions: [session('A', { measuredA: [25, 25, 25], measuredAt: T0, lastAllocation: { currentA: 20, at: T0 - 60_000 } }), session('B')],
    });
    assert.equal(byEvse(r, 'A').reservedA, 26);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'overdraw', measuredA: 25 });
    assert.equal(byEvse(r, 'B').currentA, 14);
  });

  it('reserves the maximum of a station known to ignore limits', () => {
    const quirky = { ...site, evses: [ac('A', 'grid', { maxCurrentA: 16, quirks: { ignoresLimits: true } }), ac('B', 'grid')] };
    const r = run(quirky, { now: T0, sessions: [session('A'), session('B')] });
    assert.equal(byEvse(r, 'A').reservedA, 16);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'uncontrolled' });
    assert.equal(byEvse(r, 'B').currentA, 24);
  });

  it('answers for sessions on an EVSE it does not know with nothing', () => {
    const r = run(site, { now: T0, sessions: [session('X')] });
    assert.deepEqual(byEvse(r, 'X').binding, { kind: 'unknown-evse' });
    assert.equal(byEvse(r, 'X').currentA, 0);
  });
});
