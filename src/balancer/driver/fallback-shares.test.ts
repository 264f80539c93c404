import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng, testSeed } from '../../testing/prng.ts';
import type { CircuitModel, EvseModel, Phase, SiteModel } from '../core/index.ts';
import { fallbackShares } from './fallback-shares.ts';
import { fallbackProfiles } from './profiles.ts';

const stationOf = (evseId: string) => evseId.split('/')[0]!;
const PHASES: Phase[] = ['L1', 'L2', 'L3'];

describe('fail-safe shares', () => {
  it('splits a circuit between its stations, max-min fair per phase after rotation', () => {
    const site: SiteModel = {
      circuits: [{ id: 'grid', limitA: 32 }],
      evses: [
        { id: 'A/1', circuitId: 'grid', kind: 'AC', phases: 3, unit: 'A' },
        { id: 'B/1', circuitId: 'grid', kind: 'AC', phases: 3, unit: 'A' },
        // Single-phase on L3 only: it competes with A and B on L3 alone.
        { id: 'C/1', circuitId: 'grid', kind: 'AC', phases: 1, rotation: ['L3'], maxCurrentA: 16, unit: 'A' },
      ],
    };
    const shares = fallbackShares(site, stationOf);
    assert.deepEqual([...shares.values()].map((s) => [s.stationId, s.shareA, s.physicalA, s.gridPhases]), [
      ['A', 10.6, 32, [0, 1, 2]],
      ['B', 10.6, 32, [0, 1, 2]],
      ['C', 10.6, 16, [2]],
    ]);
  });

  it('counts the tightest time-of-day limit, an override, the margin and the worst-case load', () => {
    const site: SiteModel = {
      circuits: [{ id: 'grid', limitA: 100, marginA: 5, fallbackLoadA: [20, 10, 10], schedule: [{ fromMinute: 1020, toMinute: 1200, limitA: 60 }] }],
      evses: [{ id: 'A/1', circuitId: 'grid', kind: 'AC', phases: 3, maxCurrentA: 63, unit: 'A' }],
    };
    assert.equal(fallbackShares(site, stationOf).get('A')!.shareA, 35);
    assert.equal(fallbackShares(site, stationOf, new Map([['grid', { limitA: 40 }]])).get('A')!.shareA, 15);
  });

  it('gives a share below the minimum current to nobody: some stations get 0, the rest at least their minimum', () => {
    const site: SiteModel = {
      circuits: [{ id: 'grid', limitA: 25 }],
      evses: ['A', 'B', 'C', 'D', 'E'].map((s): EvseModel => ({ id: `${s}/1`, circuitId: 'grid', kind: 'AC', phases: 3, unit: 'A' })),
    };
    assert.deepEqual([...fallbackShares(site, stationOf).values()].map((s) => s.shareA), [6.2, 6.2, 6.2, 6.2, 0]);
  });

  it('rounds a share down to the step a station takes, and its minimum up', () => {
    const station = (id: string, quirks?: EvseModel['quirks']): EvseModel => ({ id: `${id}/1`, circuitId: 'grid', kind: 'AC', phases: 3, unit: 'A', ...(quirks ? { quirks } : {}) });
    const site = (a: EvseModel['quirks']): SiteModel => ({ circuits: [{ id: 'grid', limitA: 20 }], evses: [station('A', a), station('B'), station('C')] });
    // 20 A among three: 6.66 A each; A takes whole amps only.
    assert.deepEqual([...fallbackShares(site({ stepA: 1 }), stationOf).values()].map((s) => [s.shareA, s.minA]), [[6, 6], [6.6, 6], [6.6, 6]]);
    // A's minimum of 6.5 A is 7 A in whole amps: 6.66 A is no use to it, so the others share all of it.
    assert.deepEqual([...fallbackShares(site({ stepA: 1, minCurrentA: 6.5 }), stationOf).values()].map((s) => [s.shareA, s.minA]), [[0, 7], [10, 6], [10, 6]]);
  });

  it('keeps every circuit, phase and power limit with all stations at their shares (random sites)', () => {
    const seed = testSeed(20261124);
    const rnd = prng(seed);
    for (let round = 0; round < 300; round++) {
      const circuits: CircuitModel[] = [{ id: 'c0', limitA: rnd.int(10, 400), marginA: rnd.int(0, 5), ...(rnd.chance(0.3) ? { maxPowerKw: rnd.int(10, 200) } : {}) }];
      for (let i = 1; i < rnd.int(1, 6); i++) {
        const limit = rnd.chance(0.3) ? [rnd.int(0, 100), rnd.int(0, 100), rnd.int(0, 100)] as [number, number, number] : rnd.int(0, 160);
        circuits.push({
          id: `c${i}`, parentId: `c${rnd.int(0, i - 1)}`, limitA: limit,
          ...(rnd.chance(0.3) ? { fallbackLoadA: rnd.int(0, 30) } : {}),
          ...(rnd.chance(0.3) ? { schedule: [{ fromMinute: 0, toMinute: 600, limitA: rnd.int(0, 80) }] } : {}),
          ...(rnd.chance(0.2) ? { maxPowerKw: rnd.int(5, 100) } : {}),
        });
      }
      const evses: EvseModel[] = [];
      const steps = new Map<string, number>();
      for (let s = 0; s < rnd.int(1, 12); s++) {
        const circuitId = rnd.pick(circuits).id;
        const quirks: EvseModel['quirks'] = rnd.chance(0.3) ? { stepA: rnd.pick([0.5, 1, 2]), ...(rnd.chance(0.5) ? { minCurrentA: rnd.pick([6.5, 7, 8.2]) } : {}) } : undefined;
        steps.set(`S${s}`, quirks?.stepA ?? 0.1);
        for (let e = 1; e <= rnd.int(1, 2); e++) {
          const phases = rnd.pick([1, 3] as const);
          const rotation = phases === 1 ? [rnd.pick(PHASES)] : rnd.pick([['L1', 'L2', 'L3'], ['L2', 'L3', 'L1'], ['L3', 'L1', 'L2']] as Phase[][]);
          const dc = phases === 3 && rnd.chance(0.2);
          evses.push({ id: `S${s}/${e}`, circuitId, kind: dc ? 'DC' : 'AC', phases, rotation, unit: 'A', ...(quirks ? { quirks } : {}), ...(dc ? { maxPowerW: rnd.int(20, 150) * 1000 } : { maxCurrentA: rnd.int(6, 63), minCurrentA: rnd.pick([6, 6, 8]) }) });
        }
      }
      const site: SiteModel = { circuits, evses };
      const shares = fallbackShares(site, stationOf);
      const v = 230;
      for (const c of circuits) {
        const below = (id: string): boolean => {
          for (let cur = circuits.find((x) => x.id === id); cur; cur = circuits.find((x) => x.id === cur!.parentId)) if (cur.id === c.id) return true;
          return false;
        };
        const limit = typeof c.limitA === 'number' ? [c.limitA, c.limitA, c.limitA] : c.limitA;
        const scheduled = c.schedule?.[0]?.limitA as number | undefined;
        const load = (c.fallbackLoadA as number | undefined) ?? 0;
        const sum = [0, 0, 0];
        let watts = 0;
        for (const share of shares.values()) {
          const evse = evses.find((e) => stationOf(e.id) === share.stationId)!;
          if (!below(evse.circuitId)) continue;
          for (const p of share.gridPhases) sum[p]! += share.shareA;
          watts += share.shareA * v * share.gridPhases.length;
        }
        for (let p = 0; p < 3; p++) {
          const allowed = Math.min(limit[p]!, scheduled ?? Infinity) - (c.marginA ?? 0) - load;
          assert.ok(sum[p]! <= Math.max(0, allowed) + 1e-6, `seed ${seed} round ${round}: ${c.id} L${p + 1} ${sum[p]} > ${allowed}`);
        }
        if (c.maxPowerKw !== undefined) assert.ok(watts <= Math.max(0, c.maxPowerKw * 1000 - (c.marginA ?? 0) * 3 * v - load * 3 * v) + 1e-3, `seed ${seed} round ${round}: ${c.id} power ${watts}`);
      }
      for (const share of shares.values()) {
        assert.ok(share.shareA === 0 || share.shareA >= Math.floor(share.minA * 10) / 10 - 1e-9, `seed ${seed} round ${round}: ${share.stationId} ${share.shareA} < min ${share.minA}`);
        assert.ok(share.shareA <= share.physicalA + 1e-9);
        const step = steps.get(share.stationId)!;
        assert.ok(Math.abs(share.shareA / step - Math.round(share.shareA / step)) < 1e-6, `seed ${seed} round ${round}: ${share.stationId} ${share.shareA} not in steps of ${step} A`);
      }
    }
  });

  it('makes dead-man profiles: the full capacity for the lease, then the share for good', () => {
    const share = { stationId: 'A', shareA: 16, physicalA: 32, minA: 6, gridPhases: [0, 1, 2], physicalW: 22_080, allDc: false };
    const at = Date.parse('2026-05-01T10:00:00.400Z');
    const p = fallbackProfiles(share, 'A', 230, 90, at);
    assert.deepEqual(p.stationMax, { stackLevel: 0, purpose: 'stationMax', kind: 'absolute', schedule: { unit: 'A', startSchedule: '2026-05-01T10:00:00.000Z', periods: [{ startSeconds: 0, limit: 32 }, { startSeconds: 90, limit: 16 }] } });
    assert.deepEqual(p.txDefault.schedule.periods, [{ startSeconds: 0, limit: 0 }, { startSeconds: 90, limit: 16 }]);
    assert.equal(p.leased, true);
    // A DC station's W limit is its output: the balanced AC input current × 3 phases × 230 V × efficiency.
    assert.equal(fallbackProfiles({ ...share, allDc: true, physicalW: 50_000 }, 'W', 230, 90, at).stationMax.schedule.periods.at(-1)!.limit, 10_488);
    // Enough for its maximum anyway: no lease on the max profile.
    assert.deepEqual(fallbackProfiles({ ...share, shareA: 32 }, 'A', 230, 90, at).stationMax.schedule.periods, [{ startSeconds: 0, limit: 32 }]);
  });
});
