import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import { orderTransition } from './transition.ts';
import type { AllocationResult, CircuitModel, EvseModel, Phase, PriceSlot, SessionState, SiteModel, SiteState } from './types.ts';
import { violations } from './violations.ts';

const T0 = Date.UTC(2025, 0, 6, 6);
const PHASES: Phase[] = ['L1', 'L2', 'L3'];
const ROTATIONS: Phase[][] = [['L1', 'L2', 'L3'], ['L2', 'L3', 'L1'], ['L3', 'L1', 'L2'], ['L1', 'L3', 'L2']];

const perPhaseOrOne = (lo: number, hi: number) => fc.oneof(fc.integer({ min: lo, max: hi }), fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi })));

const circuitArb = fc.record({
  parent: fc.nat(),
  limitA: perPhaseOrOne(10, 400),
  maxPowerKw: fc.option(fc.integer({ min: 5, max: 250 }), { nil: undefined }),
  marginA: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  schedule: fc.option(fc.record({ days: fc.option(fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }), { nil: undefined }), fromMinute: fc.integer({ min: 0, max: 1439 }), toMinute: fc.integer({ min: 0, max: 1439 }), limitA: perPhaseOrOne(5, 200) }), { nil: undefined }),
  meter: fc.constantFrom('none', 'fresh', 'stale', 'missing'),
  load: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })),
  override: fc.option(perPhaseOrOne(8, 200), { nil: undefined }),
});

const evseArb = fc.record({
  circuit: fc.nat(),
  dc: fc.boolean(),
  phases: fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
  rotation: fc.constantFrom(...ROTATIONS),
  wUnit: fc.boolean(),
  minCurrentA: fc.option(fc.integer({ min: 6, max: 12 }), { nil: undefined }),
  maxCurrentA: fc.integer({ min: 8, max: 63 }),
  maxPowerW: fc.option(fc.integer({ min: 3000, max: 150_000 }), { nil: undefined }),
  minPowerW: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  quirkMin: fc.option(fc.integer({ min: 7, max: 10 }), { nil: undefined }),
  quirkStep: fc.option(fc.constantFrom(0.5, 1), { nil: undefined }),
});

const sessionArb = fc.record({
  present: fc.boolean(),
  startedAgoS: fc.integer({ min: 0, max: 20_000 }),
  energyKwh: fc.integer({ min: 0, max: 60 }),
  measured: fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { nil: undefined }),
  lastA: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  departureInS: fc.option(fc.integer({ min: -600, max: 50_000 }), { nil: undefined }),
  needKwh: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  carPhases: fc.option(fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>, { nil: undefined }),
  carMaxA: fc.option(fc.integer({ min: 4, max: 32 }), { nil: undefined }),
  priority: fc.integer({ min: 0, max: 2 }),
});

const siteArb = fc.record({
  circuits: fc.array(circuitArb, { minLength: 1, maxLength: 6 }),
  evses: fc.array(fc.tuple(evseArb, sessionArb), { minLength: 1, maxLength: 14 }),
  minuteOfDay: fc.integer({ min: 0, max: 1439 }),
  prices: fc.option(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 4, maxLength: 4 }), { nil: undefined }),
});

type Generated = typeof siteArb extends fc.Arbitrary<infer R> ? R : never;

function build(g: Generated): { site: SiteModel; state: SiteState } {
  const now = T0 + g.minuteOfDay * 60_000;
  const circuits: CircuitModel[] = g.circuits.map((c, i) => ({
    id: `C${i}`,
    ...(i > 0 ? { parentId: `C${c.parent % i}` } : {}),
    limitA: c.limitA,
    ...(c.maxPowerKw !== undefined ? { maxPowerKw: c.maxPowerKw } : {}),
    ...(c.marginA !== undefined ? { marginA: c.marginA } : {}),
    ...(c.schedule ? { schedule: [c.schedule] } : {}),
    ...(c.meter !== 'none' ? { metered: true, fallbackLoadA: c.load.map((x) => x + 3) as [number, number, number] } : {}),
  }));
  const evses: EvseModel[] = [];
  const sessions: SessionState[] = [];
  g.evses.forEach(([e, s], i) => {
    const phases = e.dc ? 3 : e.phases;
    evses.push({
      id: `E${i}`,
      circuitId: `C${e.circuit % circuits.length}`,
      kind: e.dc ? 'DC' : 'AC',
      phases,
      rotation: e.rotation.slice(0, phases),
      unit: e.dc || e.wUnit ? 'W' : 'A',
      maxCurrentA: e.maxCurrentA,
      ...(e.minCurrentA !== undefined ? { minCurrentA: e.minCurrentA } : {}),
      ...(e.maxPowerW !== undefined ? { maxPowerW: e.maxPowerW } : {}),
      ...(e.dc && e.minPowerW !== undefined ? { minPowerW: e.minPowerW } : {}),
      ...(e.quirkMin !== undefined || e.quirkStep !== undefined ? { quirks: { ...(e.quirkMin !== undefined ? { minCurrentA: e.quirkMin } : {}), ...(e.quirkStep !== undefined ? { stepA: e.quirkStep } : {}) } } : {}),
    });
    if (!s.present) return;
    sessions.push({
      evseId: `E${i}`,
      sessionId: `S${i}`,
      startedAt: now - s.startedAgoS * 1000,
      energyKwh: s.energyKwh,
      ...(s.measured ? { measuredA: s.measured, measuredAt: now - 3000 } : {}),
      ...(s.lastA !== undefined ? { lastAllocation: { currentA: s.lastA, at: now - 60_000 } } : {}),
      need: {
        priority: s.priority,
        ...(s.departureInS !== undefined ? { departureAt: now + s.departureInS * 1000 } : {}),
        ...(s.needKwh !== undefined ? { energyKwh: s.needKwh } : {}),
        ...(s.carPhases !== undefined ? { phases: s.carPhases } : {}),
        ...(s.carMaxA !== undefined ? { maxCurrentA: s.carMaxA } : {}),
      },
    });
  });
  const loads = g.circuits.flatMap((c, i) =>
    c.meter === 'fresh' ? [{ circuitId: `C${i}`, currentA: c.load, measuredAt: now - 2000 }] : c.meter === 'stale' ? [{ circuitId: `C${i}`, currentA: c.load, measuredAt: now - 600_000 }] : [],
  );
  const limitOverrides = g.circuits.flatMap((c, i) => (c.override !== undefined ? [{ circuitId: `C${i}`, limitA: c.override }] : []));
  const prices: PriceSlot[] | undefined = g.prices?.map((price, h) => ({ from: now + (h - 1) * 3 * 3_600_000, to: now + h * 3 * 3_600_000, price }));
  return { site: { circuits, evses }, state: { now, sessions, loads, limitOverrides, ...(prices ? { prices } : {}) } };
}

/**
 * The invariant holds unless what the core cannot control (non-charger load, cars over their limit) already
 * exceeds a circuit on its own; then every controllable session under that circuit must be paused.
 */
function assertSafe(site: SiteModel, state: SiteState, result: AllocationResult) {
  const found = violations(site, state, result);
  for (const v of found) {
    assert.equal(v.kind, 'circuit', JSON.stringify(v));
    if (v.kind !== 'circuit') continue;
    const usage = result.circuits.find((c) => c.circuitId === v.circuit)!;
    const below = new Set<string>([v.circuit]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of site.circuits) if (c.parentId && below.has(c.parentId) && !below.has(c.id)) below.add(c.id), (grew = true);
    }
    const p = PHASES.indexOf(v.phase as Phase);
    const controllable = result.evses.filter((a) => below.has(site.evses.find((e) => e.id === a.evseId)!.circuitId) && a.binding.kind !== 'overdraw' && (p < 0 || a.gridA[p]! > 0));
    assert.ok(controllable.every((a) => a.currentA === 0), `violation ${JSON.stringify(v)} with controllable current left (load ${usage.loadA})`);
  }
  for (const a of result.evses) {
    const evse = site.evses.find((e) => e.id === a.evseId)!;
    const minA = evse.kind === 'AC' ? Math.max(evse.minCurrentA ?? 6, evse.quirks?.minCurrentA ?? 0) : 0;
    assert.ok(a.currentA === 0 || a.currentA >= minA - 1e-9, `${a.evseId}: ${a.currentA} A is below its minimum ${minA}`);
    if (evse.quirks?.stepA) assert.ok(Math.abs(a.currentA / evse.quirks.stepA - Math.round(a.currentA / evse.quirks.stepA)) < 1e-6, `${a.currentA} off the ${evse.quirks.stepA} A step`);
  }
}

describe('property: random sites and states', () => {
  it('never exceeds a circuit on any phase, never allocates below a minimum', () => {
    fc.assert(
      fc.property(siteArb, (g) => {
        const { site, state } = build(g);
        assertSafe(site, state, allocate(site, state));
      }),
      { numRuns: 4000, seed: 61 },
    );
  });

  it('stays safe over cycles with memory, changing loads and limits, and every transition step is safe', () => {
    fc.assert(
      fc.property(siteArb, fc.array(fc.tuple(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 10 })), { minLength: 2, maxLength: 6 }), (g, steps) => {
        const { site, state } = build(g);
        let current = state;
        let result = allocate(site, current);
        assertSafe(site, current, result);
        for (const [seconds, bump] of steps) {
          const applied = new Map(result.evses.map((e) => [e.sessionId, e.currentA]));
          const next: SiteState = {
            ...current,
            now: current.now + seconds * 1000,
            memory: result.memory,
            loads: (current.loads ?? []).map((l) => ({ ...l, currentA: l.currentA.map((x) => x + bump) as [number, number, number], measuredAt: current.now + seconds * 1000 })),
            sessions: current.sessions.map((s) => {
              const a = applied.get(s.sessionId) ?? 0;
              return { ...s, lastAllocation: { currentA: a, at: current.now }, measuredA: [a * 0.5, a * 0.5, 0], measuredAt: current.now + seconds * 1000 - 500 };
            }),
          };
          const nextResult = allocate(site, next);
          assertSafe(site, next, nextResult);
          // After the reductions and before the increases: at most the new allocation everywhere.
          const t = orderTransition(result.evses, nextResult.evses);
          for (const step of [...t.reductions, ...t.increases]) assert.ok(step.from !== step.to || step.allocation.evsePhases.length > 0);
          const increased = new Set(t.increases.map((s) => s.sessionId));
          for (const a of nextResult.evses) if (!increased.has(a.sessionId)) assert.ok(a.currentA <= (applied.get(a.sessionId) ?? 0) + 1e-9 || a.evsePhases.length === 0);
          current = next;
          result = nextResult;
        }
      }),
      { numRuns: 800, seed: 62 },
    );
  });
});

