import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from './allocate.ts';
import { ac, grid, session, T0 } from './test-fixtures.ts';
import { applicableIncreases, orderTransition } from './transition.ts';
import type { AllocationResult, EvseAllocation } from './types.ts';
import { violations } from './violations.ts';

describe('reductions before increases', () => {
  const site = { circuits: [grid(40)], evses: ['A', 'B', 'C'].map((id) => ac(id, 'grid')) };
  const before = allocate(site, { now: T0, sessions: [session('A'), session('B')] });
  const after = allocate(site, { now: T0 + 1000, memory: before.memory, sessions: [session('A'), session('B', { need: { priority: 1 } }), session('C')] });

  it('splits a change into reductions, then increases (new sessions are increases)', () => {
    const t = orderTransition(before.evses, after.evses);
    assert.deepEqual(t.reductions.map((s) => [s.evseId, s.from, s.to]), [['A', 20, 6]]);
    assert.deepEqual(t.increases.map((s) => [s.evseId, s.from, s.to]), [['B', 20, 28], ['C', 0, 6]]);
  });

  it('every state on the way is within the limits: after the reductions, every value is at most the new one', () => {
    const t = orderTransition(before.evses, after.evses);
    const reduced = new Map(t.reductions.map((s) => [s.sessionId, s.allocation]));
    const intermediate: EvseAllocation[] = before.evses.map((a) => reduced.get(a.sessionId) ?? a);
    const state = { now: T0 + 1000, sessions: [session('A'), session('B'), session('C')] };
    assert.deepEqual(violations(site, state, { ...after, evses: intermediate } as AllocationResult), []);
    // Applying the increases first instead would overload the grid.
    const wrongOrder = [...after.evses.filter((a) => a.evseId !== 'A'), before.evses.find((a) => a.evseId === 'A')!];
    assert.equal(violations(site, state, { ...after, evses: wrongOrder } as AllocationResult)[0]?.kind, 'circuit');
  });

  it('leaves out unchanged EVSEs and ended sessions', () => {
    const t = orderTransition(after.evses, after.evses.filter((a) => a.evseId !== 'C'));
    assert.deepEqual(t, { reductions: [], increases: [] });
  });

  it('a profile that reserves more phases at the same current is an increase', () => {
    const one = { ...before.evses[0]!, evsePhases: [0], phasesToUse: 1 };
    const t = orderTransition([one], [before.evses[0]!]);
    assert.equal(t.increases.length, 1);
  });

  it('lets an increase out only when reductions not yet followed leave room for it', () => {
    const t = orderTransition(before.evses, after.evses);
    const state = { now: T0 + 1000, sessions: [] };
    // A was told to go from 20 to 6 A but may still draw 20: B (+8) and C (+6) do not fit yet.
    const notYet = applicableIncreases(site, state, before.evses, t.increases);
    assert.deepEqual(notYet.map((s) => s.evseId), []);
    const reduced = before.evses.map((a) => (a.evseId === 'A' ? after.evses.find((x) => x.evseId === 'A')! : a));
    assert.deepEqual(applicableIncreases(site, state, reduced, t.increases).map((s) => s.evseId), ['B', 'C']);
  });
});
