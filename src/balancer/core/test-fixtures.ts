import { allocate } from './allocate.ts';
import type { AllocationResult, CircuitModel, EvseAllocation, EvseModel, SessionState, SiteModel, SiteState } from './types.ts';
import { violations } from './violations.ts';

/** Monday 6 January 2025, 08:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 8);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const ac = (id: string, circuitId: string, extra: Partial<EvseModel> = {}): EvseModel => ({ id, circuitId, kind: 'AC', phases: 3, unit: 'A', maxCurrentA: 32, ...extra });
export const dc = (id: string, circuitId: string, extra: Partial<EvseModel> = {}): EvseModel => ({ id, circuitId, kind: 'DC', phases: 3, unit: 'W', maxPowerW: 150_000, ...extra });
export const grid = (limitA: CircuitModel['limitA'], extra: Partial<CircuitModel> = {}): CircuitModel => ({ id: 'grid', limitA, ...extra });

export const session = (evseId: string, extra: Partial<SessionState> = {}): SessionState => ({ evseId, sessionId: `s-${evseId}`, startedAt: T0 - 10 * MIN, energyKwh: 0, ...extra });

/** Allocates and asserts the independent check finds nothing wrong. */
export function run(site: SiteModel, state: SiteState): AllocationResult {
  const result = allocate(site, state);
  const found = violations(site, state, result);
  if (found.length) throw new Error(`violations: ${JSON.stringify(found)}`);
  return result;
}

export const byEvse = (result: AllocationResult, evseId: string): EvseAllocation => {
  const a = result.evses.find((e) => e.evseId === evseId);
  if (!a) throw new Error(`no allocation for ${evseId}`);
  return a;
};

export const circuitOf = (result: AllocationResult, id: string) => result.circuits.find((c) => c.circuitId === id)!;

/** Runs cycles every `stepMs` from `state.now`, feeding memory (and applied allocations) back. */
export function cycles(site: SiteModel, state: SiteState, count: number, stepMs: number, each?: (r: AllocationResult, i: number) => void): AllocationResult {
  let current = state;
  let result = run(site, current);
  each?.(result, 0);
  for (let i = 1; i < count; i++) {
    const applied = new Map(result.evses.map((e) => [e.sessionId, e.currentA]));
    current = {
      ...current,
      now: current.now + stepMs,
      memory: result.memory,
      sessions: current.sessions.map((s) => ({ ...s, lastAllocation: { currentA: applied.get(s.sessionId) ?? 0, at: current.now } })),
    };
    result = run(site, current);
    each?.(result, i);
  }
  return result;
}
