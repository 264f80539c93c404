import type { EvseAllocation, SiteModel, SiteState } from './types.ts';
import { CircuitTotals } from './violations.ts';

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
  const siteState = { ...state, sessions: [] };
  let totals = new CircuitTotals(site, siteState, [...current.values()]);
  const over = (only?: ReadonlySet<string>) => new Map(totals.over(only).map((v) => [`${v.circuit}/${v.phase}`, v.total] as const));
  const base = over();
  // Worse: a circuit (among those the change touched) over its limit that was not, or further over than it was.
  const worse = (touched: ReadonlySet<string>) => [...over(touched)].some(([k, total]) => total > (base.get(k) ?? -Infinity) + 1e-9);
  // Sets a session's allocation in `current` and the totals; returns the circuits it changed.
  const set = (sessionId: string, next: EvseAllocation | undefined): string[] => {
    const old = current.get(sessionId);
    const touched = old ? [...totals.add(old, -1)] : [];
    if (next) {
      current.set(sessionId, next);
      touched.push(...totals.add(next, 1));
    } else current.delete(sessionId);
    return touched;
  };
  const all = new Set<string>();
  for (const step of increases) for (const c of set(step.sessionId, step.allocation)) all.add(c);
  if (!worse(all)) return increases;
  // One at a time: each step is tried on the totals and taken back if it makes a circuit worse.
  current.clear();
  for (const a of inForce) current.set(a.sessionId, a);
  totals = new CircuitTotals(site, siteState, [...current.values()]);
  const out: TransitionStep[] = [];
  for (const step of increases) {
    const old = current.get(step.sessionId);
    if (!worse(new Set(set(step.sessionId, step.allocation)))) {
      out.push(step);
      continue;
    }
    set(step.sessionId, old);
  }
  return out;
}
