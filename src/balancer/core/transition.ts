import type { EvseAllocation, SiteModel, SiteState } from './types.ts';
import { violations } from './violations.ts';

export interface TransitionStep {
  evseId: string;
  sessionId: string;
  from: number;
  to: number;
  allocation: EvseAllocation;
}

export interface Transition {
  /** Send these first; wait until each is acknowledged (or its timeout passed, then assume the old value). */
  reductions: TransitionStep[];
  /** Then these; every state in between stays within the limits because it is at most the new allocation. */
  increases: TransitionStep[];
}

/**
 * Splits a change of allocations into reductions first, then increases. Only the reserved current counts: a
 * session absent from `previous` counts as 0 before (it draws nothing until told), one absent from `next` is left
 * out (its session ended). With the same current, reserving more phases is an increase and fewer a reduction (so
 * the driver's record of what may be drawn stays exact).
 */
export function orderTransition(previous: EvseAllocation[], next: EvseAllocation[]): Transition {
  const before = new Map(previous.map((a) => [`${a.evseId}\u0000${a.sessionId}`, a]));
  const reductions: TransitionStep[] = [];
  const increases: TransitionStep[] = [];
  for (const a of next) {
    const old = before.get(`${a.evseId}\u0000${a.sessionId}`);
    const from = old?.currentA ?? 0;
    const step = { evseId: a.evseId, sessionId: a.sessionId, from, to: a.currentA, allocation: a };
    const oldPhases = old?.evsePhases.length ?? 0;
    if (a.currentA > from || (a.currentA > 0 && a.evsePhases.length > oldPhases)) increases.push(step);
    else if (a.currentA < from || (old && (a.evsePhases.length < oldPhases || old.limit !== a.limit || old.unit !== a.unit || old.reservedA !== a.reservedA))) reductions.push(step);
  }
  return { reductions, increases };
}

/**
 * The increases that can be sent now: `inForce` holds, per session, the most each EVSE may still draw (a
 * reduction not yet acknowledged or not yet followed counts at its old value). Increases are taken in order
 * while no circuit goes over (or further over) its limit − margin; the rest wait for the reductions to settle.
 */
export function applicableIncreases(site: SiteModel, state: SiteState, inForce: EvseAllocation[], increases: TransitionStep[]): TransitionStep[] {
  const current = new Map(inForce.map((a) => [a.sessionId, a]));
  const over = () => {
    const found = violations(site, { ...state, sessions: [] }, { at: state.now, evses: [...current.values()], circuits: [], memory: { sessions: {} } });
    return new Map(found.flatMap((v) => (v.kind === 'circuit' ? [[`${v.circuit}/${v.phase}`, v.total] as const] : [])));
  };
  const worse = (base: Map<string, number>, now: Map<string, number>) => [...now].some(([k, total]) => total > (base.get(k) ?? -Infinity) + 1e-9);
  const base = over();
  const saved = new Map(current);
  for (const step of increases) current.set(step.sessionId, step.allocation);
  if (!worse(base, over())) return increases;
  current.clear();
  for (const [k, a] of saved) current.set(k, a);
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
