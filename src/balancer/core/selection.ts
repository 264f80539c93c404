import { POWER } from './circuits.ts';
import type { Demand } from './demand.ts';
import type { Binding, CircuitConstraint } from './types.ts';
import { PHASES } from './phases.ts';

/** A demand with what it wants now and what its deadline requires now (both per-phase A). */
export interface Wish {
  demand: Demand;
  wantA: number;
  wantBinding: Binding;
  requiredA: number;
  /** What its deadline needs now at the least (below `requiredA` when late cars may use the rest first). */
  urgentA: number;
  /** The plan cannot meet this car's deadline: its required current is what the others leave. */
  late: boolean;
  laxityS: number;
  /** Its deadline needs less than the minimum now and it has time to spare: it takes turns with the others. */
  canWait: boolean;
}

const EPS = 1e-9;

export function constraintName(k: number, circuitIds: string[]): { circuit: string; phase: CircuitConstraint } {
  const p = k % 4;
  return { circuit: circuitIds[Math.floor(k / 4)]!, phase: p === POWER ? 'power' : PHASES[p]! };
}

/**
 * Order of service when capacity is short: priority; then sessions whose deadline needs current now, least laxity
 * first (a running one keeps its place until another's laxity is a rotation period lower), those that will make it
 * before those that cannot, except those whose deadline needs less than their minimum now and that have time to spare
 * (they take turns with the rest, so a car without a departure is not paused until the last deadline is met); then sessions still in
 * their stint; then the one that has waited longest (a running session past its stint goes behind every waiting one).
 */
export function rank(wishes: Wish[], now: number, rotationPeriodS: number): Wish[] {
  const rotationMs = rotationPeriodS * 1000;
  const keyed = wishes.map((w) => {
    const m = w.demand.memory;
    const running = (m.lastA ?? 0) > 0 && m.runningSince !== undefined;
    let group: number;
    let key: number;
    if (w.requiredA > 0 && !w.canWait) {
      group = w.late ? 1 : 0;
      key = w.laxityS - (running ? rotationPeriodS : 0);
    } else if (running && now - m.runningSince! < rotationMs) {
      group = 2;
      key = m.runningSince!;
    } else {
      group = 3;
      key = running ? 2 * now - m.runningSince! : (m.pausedSince ?? w.demand.session.startedAt);
    }
    return { w, priority: w.demand.priority, group, key };
  });
  keyed.sort((a, b) => b.priority - a.priority || a.group - b.group || a.key - b.key || (a.w.demand.session.sessionId < b.w.demand.session.sessionId ? -1 : 1));
  return keyed.map((k) => k.w);
}

export interface Admission {
  allocA: Map<Wish, number>;
  /** Why a wish that could run got nothing. */
  paused: Map<Wish, Binding>;
}

const fits = (d: Demand, amps: number, slack: Float64Array) => {
  for (let j = 0; j < d.constraints.length; j++) if (slack[d.constraints[j]!]! < amps * d.coefs[j]! - EPS) return d.constraints[j]!;
  return -1;
};

const take = (d: Demand, amps: number, slack: Float64Array) => {
  for (let j = 0; j < d.constraints.length; j++) slack[d.constraints[j]!]! -= amps * d.coefs[j]!;
};

/**
 * Admits wishes in rank order at their minimum (or at what their deadline requires, when that fits), pausing
 * those that do not fit at their minimum: nobody gets a non-zero current below their minimum.
 */
export function admit(ranked: Wish[], slack: Float64Array, circuitIds: string[]): Admission {
  const allocA = new Map<Wish, number>();
  const paused = new Map<Wish, Binding>();
  // Per constraint: highest priority admitted through it, and highest priority of an admitted deadline session.
  const topPriority = new Float64Array(slack.length).fill(-Infinity);
  const topUrgent = new Float64Array(slack.length).fill(-Infinity);
  for (const w of ranked) {
    const d = w.demand;
    if (w.wantA < d.minA - EPS) continue;
    const target = Math.min(w.wantA, Math.max(d.minA, w.urgentA));
    let amps = target;
    let blocked = fits(d, amps, slack);
    if (blocked >= 0 && target > d.minA) {
      amps = d.minA;
      blocked = fits(d, amps, slack);
    }
    if (blocked >= 0) {
      const where = constraintName(blocked, circuitIds);
      const top = topPriority[blocked]!;
      const urgent = topUrgent[blocked]!;
      const kind = top > d.priority ? 'paused-priority' : (w.requiredA <= 0 || w.late) && urgent >= d.priority ? 'deadline' : 'paused-min-current';
      paused.set(w, { kind, ...where });
      continue;
    }
    take(d, amps, slack);
    allocA.set(w, amps);
    for (const k of d.constraints) {
      if (d.priority > topPriority[k]!) topPriority[k] = d.priority;
      if (w.requiredA > 0 && !w.late && d.priority > topUrgent[k]!) topUrgent[k] = d.priority;
    }
  }
  return { allocA, paused };
}

/**
 * Raises admitted sessions, in rank order, towards what their deadline needs now at the least, then towards what
 * their deadline plan puts now. Returns the constraint that stopped each.
 */
export function serveDeadlines(ranked: Wish[], admission: Admission, slack: Float64Array): Map<Wish, number> {
  const stoppedBy = new Map<Wish, number>();
  raise(ranked, (w) => w.urgentA, admission, slack, stoppedBy);
  raise(ranked, (w) => w.requiredA, admission, slack, stoppedBy);
  return stoppedBy;
}

function raise(ranked: Wish[], targetOf: (w: Wish) => number, admission: Admission, slack: Float64Array, stoppedBy: Map<Wish, number>): void {
  for (const w of ranked) {
    const current = admission.allocA.get(w);
    if (current === undefined) continue;
    const target = Math.min(w.wantA, targetOf(w));
    if (target <= current + EPS) continue;
    const d = w.demand;
    let amps = target - current;
    let by = -1;
    for (let j = 0; j < d.constraints.length; j++) {
      const room = Math.max(0, slack[d.constraints[j]!]! / d.coefs[j]!);
      if (room < amps) {
        amps = room;
        by = d.constraints[j]!;
      }
    }
    if (by >= 0) stoppedBy.set(w, by);
    if (amps <= EPS) continue;
    take(d, amps, slack);
    admission.allocA.set(w, current + amps);
  }
}
