import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../testing/prng.ts';
import { applicableIncreases, type TransitionStep } from './transition.ts';
import type { EvseAllocation, Phase, SiteModel, SiteState } from './types.ts';
import { violations } from './violations.ts';

/** The rule applicableIncreases follows, checked the slow way: the whole site summed again for every step. */
function reference(site: SiteModel, state: SiteState, inForce: EvseAllocation[], increases: TransitionStep[]): TransitionStep[] {
  const current = new Map(inForce.map((a) => [a.sessionId, a]));
  const over = () =>
    new Map(
      violations(site, { ...state, sessions: [] }, { at: state.now, evses: [...current.values()], circuits: [], memory: { sessions: {} } }).flatMap((v) =>
        v.kind === 'circuit' ? [[`${v.circuit}/${v.phase}`, v.total] as const] : [],
      ),
    );
  const worse = (base: Map<string, number>, now: Map<string, number>) => [...now].some(([k, total]) => total > (base.get(k) ?? -Infinity) + 1e-9);
  const base = over();
  for (const step of increases) current.set(step.sessionId, step.allocation);
  if (!worse(base, over())) return increases;
  current.clear();
  for (const a of inForce) current.set(a.sessionId, a);
  const out: TransitionStep[] = [];
  for (const step of increases) {
    const old = current.get(step.sessionId);
    current.set(step.sessionId, step.allocation);
    if (!worse(base, over())) {
      out.push(step);
      continue;
    }
    if (old) current.set(step.sessionId, old);
    else current.delete(step.sessionId);
  }
  return out;
}

describe('increases that can be sent now', () => {
  it('are the ones the whole-site check allows, step by step, on generated sites (nested circuits, 1- and 3-phase EVSEs, rotations, power limits)', () => {
    const phases: Phase[] = ['L1', 'L2', 'L3'];
    let partial = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = prng(seed);
      const site: SiteModel = {
        circuits: [
          { id: 'grid', limitA: r.int(200, 600), ...(r.chance(0.3) ? { maxPowerKw: r.int(100, 300) } : {}) },
          { id: 'a', parentId: 'grid', limitA: [r.int(60, 250), r.int(60, 250), r.int(60, 250)], marginA: r.int(0, 5) },
          { id: 'b', parentId: 'grid', limitA: r.int(60, 250) },
          { id: 'a1', parentId: 'a', limitA: r.int(30, 120) },
        ],
        evses: Array.from({ length: 80 }, (_, i) => {
          const three = r.chance(0.7);
          return {
            id: `E${i}`,
            circuitId: r.pick(['a', 'b', 'a1', 'grid']),
            kind: 'AC' as const,
            phases: three ? (3 as const) : (1 as const),
            unit: 'A' as const,
            ...(r.chance(0.3) ? { rotation: three ? [phases[1]!, phases[2]!, phases[0]!] : [r.pick(phases)] } : {}),
          };
        }),
      };
      const alloc = (i: number, amps: number): EvseAllocation => {
        const evse = site.evses[i]!;
        const evsePhases = evse.phases === 3 ? [0, 1, 2] : [0];
        return { evseId: evse.id, sessionId: `S${i}`, currentA: amps, limit: amps, unit: 'A', phasesToUse: evsePhases.length, evsePhases, reservedA: amps, gridA: [amps, amps, amps], binding: 'circuit' } as unknown as EvseAllocation;
      };
      const inForce = site.evses.flatMap((_, i) => (r.chance(0.8) ? [alloc(i, r.int(6, 16))] : []));
      const increases: TransitionStep[] = site.evses.flatMap((_, i) => {
        if (!r.chance(0.6)) return [];
        const to = r.int(6, 32);
        return [{ evseId: `E${i}`, sessionId: `S${i}`, from: 0, to, allocation: alloc(i, to) }];
      });
      const state: SiteState = { now: Date.UTC(2026, 10, 25, 12), sessions: [] };
      const expected = reference(site, state, inForce, increases).map((s) => s.sessionId);
      const got = applicableIncreases(site, state, inForce, increases).map((s) => s.sessionId);
      assert.deepEqual(got, expected, `seed ${seed}`);
      if (expected.length > 0 && expected.length < increases.length) partial++;
    }
    assert.ok(partial >= 10, `${partial} of 60 sites took some increases and held back others`);
  });
});
