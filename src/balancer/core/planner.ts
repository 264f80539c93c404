import { POWER, type CircuitTree } from './circuits.ts';
import { circuitLimitOver } from './schedule.ts';
import type { Demand } from './demand.ts';
import type { BalancerSettings, PriceSlot, SiteState } from './types.ts';

const FINE_HOURS = 4;
const kwhPerAsOf = (d: Demand) => d.outWPerA / 3.6e6;
/** An even plan runs this much faster than the bare average, to finish a little early. */
const EVEN_SPARE = 1.15;
/** A plan that waits for cheaper hours plans this much more energy than needed, to finish a little early. */
const LAZY_SPARE = 1.1;
/** With some car late, a car that can make it is sure of this many times its even rate now; the rest of its share
 * waits for the late cars (they leave first, and what they get counts). */
const ON_TIME_FLOOR = 2.5;
/** Late cars tried one at a time when serving all of them now would make another car late. */
const LATE_TRIES = 4;
/** Shares of its maximum a late car is tried at now when its maximum would make another car late. */
const LATE_SHARES = [0.5, 0.25];
/** Shares of their maximum the cars that cannot make it are tried at now, and of `futureReserve` the later
 * capacity is held back by: the first with which the others still make it is served. */
const HOPELESS_SHARES: ReadonlyArray<readonly [number, number]> = [[1, 1], [0.5, 1], [0.25, 1], [1, 0.5], [0.5, 0.5], [0.25, 0.5]];
/** What serving the cars that cannot make it may cost the cars late anyway (rounding). */
const SHORTFALL_EPS_KWH = 0.01;

export interface Plan {
  /** Average per-phase current the plan puts in the current slot (what the deadline needs now). */
  nowA: number;
  /** Energy the plan cannot place before departure. */
  shortfallKwh: number;
  projectedReadyAt: number | null;
  /** Whether now is among the cheapest times before departure, and if not when the cheapest starts. */
  cheapestNow: boolean;
  cheaperFrom: number | null;
  /** Seconds to spare: time to departure minus the time the need takes at full rate. */
  laxityS: number;
  /** With some car late: what this car needs now at the least (its even rate over the time left, with a little to
   * spare); the late cars get the rest of its share first. */
  minNowA?: number;
}

export type PlanMode = 'cheap' | 'even' | 'asap';

export interface PlanInput {
  /** How the previous plan was made, when recent. */
  lastMode?: PlanMode;
  /** Sessions the previous plan could not get to their deadline. */
  lastLate?: ReadonlySet<string>;
  tree: CircuitTree;
  state: SiteState;
  settings: BalancerSettings;
  timeZone: string | undefined;
  /** What chargers may use now, per constraint, with fixed reservations already taken out. */
  capacityNow: Float64Array;
  /** The limits that capacity was computed from (3 per circuit, and the power limit in W). */
  limitNowA: Float64Array;
  maxPowerNowW: Float64Array;
  subtreeLoadA: Float64Array;
}

function priceAt(prices: PriceSlot[] | undefined, time: number): number {
  if (!prices) return 0;
  for (const slot of prices) if (time >= slot.from && time < slot.to) return slot.price;
  return Infinity;
}

/**
 * Places every deadline's remaining energy into time slots before its departure, least laxity first,
 * cheapest slots first (earliest among equals), within what each circuit can still carry in each slot, so
 * that two cars on one circuit do not both count on the same cheap hours.
 */
export type Plans = Map<Demand, Plan> & { mode?: PlanMode };

export function planDeadlines(demands: Demand[], input: PlanInput, expected: Array<{ demand: Demand; arriveAt: number }> = []): Plans {
  const { tree, state, settings } = input;
  const now = state.now;
  const plans: Plans = new Map<Demand, Plan>();
  const present = demands.filter((d) => d.fixedA === null && d.needKwh !== null && d.needKwh > 1e-6 && d.departureAt !== null && d.maxA > 0);
  if (!present.length) return plans;
  const arrival = new Map<Demand, number>();
  for (const e of expected) if (e.demand.needKwh && e.demand.departureAt! > e.arriveAt && e.demand.maxA > 0) arrival.set(e.demand, e.arriveAt);
  let candidates = [...present, ...arrival.keys()];

  const slotMs = settings.slotMinutes * 60_000;
  const lastDeparture = Math.max(...candidates.map((d) => d.departureAt!));
  const end = Math.min(lastDeparture, now + settings.horizonHours * 3_600_000);
  // Fine slots for the next hours, hourly ones after that (far-off detail changes before it matters).
  const starts: number[] = [now];
  const fineUntil = now + FINE_HOURS * 3_600_000;
  for (let t = Math.floor(now / slotMs) * slotMs + slotMs; t < end; t += t < fineUntil ? slotMs : Math.max(slotMs, 3_600_000)) starts.push(t);
  const slots = starts.length;
  const slotEnd = (s: number) => (s + 1 < slots ? starts[s + 1]! : Math.max(end, now + 1));

  const K = input.capacityNow.length;
  const capacity = new Float64Array(slots * K);
  capacity.set(input.capacityNow, 0);
  // Loads and fixed reservations are those of now; only the scheduled limits move from slot to slot.
  for (let s = 1; s < slots; s++) capacity.copyWithin(s * K, 0, K);
  const overrides = new Map((state.limitOverrides ?? []).map((o) => [o.circuitId, o]));
  tree.circuits.forEach((circuit, c) => {
    // Scheduled limits, and an override that ends at a known time, change from slot to slot.
    if (!circuit.schedule?.length && overrides.get(circuit.id)?.until === undefined) return;
    const offsetW = (circuit.marginA ?? 0) * 3 * tree.voltageV + (input.subtreeLoadA[c * 3]! + input.subtreeLoadA[c * 3 + 1]! + input.subtreeLoadA[c * 3 + 2]!) * tree.voltageV;
    for (let s = 1; s < slots; s++) {
      const limit = circuitLimitOver(circuit, starts[s]!, slotEnd(s) - 1, input.timeZone, overrides.get(circuit.id));
      for (let p = 0; p < 3; p++) capacity[s * K + c * 4 + p]! += limit.limitA[p]! - input.limitNowA[c * 3 + p]!;
      const nowW = input.maxPowerNowW[c]!;
      if (limit.maxPowerW !== nowW) {
        capacity[s * K + c * 4 + POWER] = Number.isFinite(nowW) ? input.capacityNow[c * 4 + POWER]! - nowW + limit.maxPowerW : limit.maxPowerW - offsetW;
      }
    }
  });

  // A draw reserved whatever the car is told (it ignores its limit, or is over it) ends when the car is full or
  // leaves: from then on its reservation is free for the others (else a car that ignores its limit for its first
  // hour has the plan count on a smaller site until the last departure, and gives cars up that can make it).
  for (const d of demands) {
    if (d.fixedA === null || d.fixedA <= 0) continue;
    const drawA = d.session.measuredA ? Math.min(d.fixedA, Math.max(...d.evsePhases.map((i) => d.session.measuredA![i]!))) : d.fixedA;
    const fullAt = d.needKwh === null ? Infinity : d.needKwh <= 1e-6 ? now : drawA > 0 ? now + (d.needKwh / (drawA * kwhPerAsOf(d))) * 1000 : Infinity;
    const endsAt = Math.min(fullAt, d.departureAt ?? Infinity);
    if (endsAt >= end) continue;
    for (let s = 1; s < slots; s++) {
      const from = Math.max(starts[s]!, endsAt);
      const to = slotEnd(s);
      if (to <= from) continue;
      const freed = (d.fixedA * (to - from)) / (to - starts[s]!);
      for (let j = 0; j < d.constraints.length; j++) {
        const k = d.constraints[j]!;
        // (A power limit that starts later is counted from the limit alone, without this reservation.)
        if (k % 4 === POWER && !Number.isFinite(input.maxPowerNowW[(k - POWER) / 4]!)) continue;
        capacity[s * K + k]! += freed * d.coefs[j]!;
      }
    }
  }

  const price = starts.map((t) => priceAt(state.prices, t));
  const byTime = starts.map((_, s) => s);
  const byPrice = [...byTime].sort((a, b) => price[a]! - price[b]! || b - a);

  const kwhPerAs = (d: Demand) => d.outWPerA / 3.6e6;
  const laxity = new Map(candidates.map((d) => [d, (d.departureAt! - now) / 1000 - d.needKwh! / (d.planMaxA * kwhPerAs(d))]));
  // Earliest departure first; a car charging now keeps its place until another leaves a rotation period earlier.
  candidates = sortedBy(candidates, (d) => d.departureAt! - ((d.memory.lastA ?? 0) > 0 ? settings.rotationPeriodS * 1000 : 0));

  const slot = { starts, ends: starts.map((_, s) => slotEnd(s)), K, arrival };
  // With prices, plan each need as late as it may be in the cheapest hours first; without, spread it evenly over
  // the time left (a car left for last is the one a later surprise makes late). What must happen now is the
  // deadline's share and the rest of the capacity is shared fairly. Counting on later hours is a bet that they
  // stay free, so it only counts on part of their capacity (cars not here yet will want them too). If that does
  // not fit every deadline, plan as soon as possible instead (earliest deadline first).
  // A car that cannot make it even at its maximum from now on does not change how the others are planned (else one
  // such car would have every other car planned as soon as possible, in the way of its own charging now): it gets
  // what their plan leaves, as soon as possible.
  const hopeless = candidates.filter((d) => !arrival.has(d) && laxity.get(d)! < 0);
  if (hopeless.length) {
    const out = new Set(hopeless);
    candidates = candidates.filter((d) => !out.has(d));
  }
  const full = hopeless.length ? capacity.slice() : capacity; // (only read with hopeless cars)
  // Trials that are thrown away (or copied back) work in one scratch copy, not a new one each (a copy is slots × K).
  const scratch = new Float64Array(capacity.length);
  const copyOf = (from: Float64Array) => {
    scratch.set(from);
    return scratch;
  };
  // A recent plan that could not wait for cheap hours saves trying that again for a while.
  let placed: PlacedAll | null = null;
  if (state.prices && input.lastMode !== 'even' && input.lastMode !== 'asap') {
    const reserved = copyOf(capacity);
    for (let k = K; k < reserved.length; k++) reserved[k] = reserved[k]! * (1 - settings.futureReserve);
    placed = placeAll(candidates, byPrice, reserved, slot, kwhPerAs, LAZY_SPARE);
  }
  let mode: PlanMode = 'cheap';
  if (!placed || placed.rejected > 0) {
    placed = placeEvenly(candidates, copyOf(capacity), slot, kwhPerAs, now);
    mode = 'even';
  }
  if (placed.rejected > 0) {
    const beforeAsap = capacity.slice();
    placed = placeAll(candidates, byTime, capacity, slot, kwhPerAs);
    if (placed.rejected > 0) {
      // Earliest departure first, each car at its maximum as soon as possible, can leave a slow car that departs
      // later with too little time at the end (an unexpected limit drop): least laxity first may still fit them all.
      // Only a plan that fits every deadline replaces it (its swaps are for earliest departure first), so the
      // plan does not flip between the two on second-level changes; a car charging now keeps its place until
      // another's laxity is a rotation period lower, as in the order of service.
      const leastLaxityFirst = sortedBy(candidates, (d) => laxity.get(d)! - ((d.memory.lastA ?? 0) > 0 ? settings.rotationPeriodS : 0));
      const trial = copyOf(beforeAsap);
      const other = placeAll(leastLaxityFirst, byTime, trial, slot, kwhPerAs, 1, true);
      if (other) {
        placed = other;
        capacity.set(trial);
      }
    }
    if (placed.rejected > 0 && input.lastLate?.size) {
      // Which cars are given up on should not change from one plan to the next for a few kWh more or less: each
      // switch wastes the time the car given up on got (it left its turn late), and a few of them make two cars
      // late instead of one. The cars late in the last plan are placed after the others, and this plan is kept when
      // it leaves no more cars late.
      const keep = candidates.filter((d) => !input.lastLate!.has(d.session.sessionId));
      if (keep.length < candidates.length) {
        const trial = copyOf(beforeAsap);
        const stable = placeAll([...keep, ...candidates.filter((d) => input.lastLate!.has(d.session.sessionId))], byTime, trial, slot, kwhPerAs, 1, false, keep.length);
        if (stable.rejected <= placed.rejected) {
          placed = stable;
          capacity.set(trial);
        }
      }
    }
    mode = 'asap';
    // The late cars may only use what leaves every other deadline in place on part of the later capacity.
    for (let k = K; k < beforeAsap.length; k++) beforeAsap[k] = beforeAsap[k]! * (1 - settings.futureReserve);
    if (placed.rejected > 0) placed = serveLateNow(candidates, placed, beforeAsap, byTime, slot, kwhPerAs, scratch) ?? placed;
  }
  plans.mode = mode;
  let lateServed = placed.rejected > 0;
  if (hopeless.length) {
    hopeless.sort((a, b) => b.priority - a.priority || a.departureAt! - b.departureAt!);
    // Up to their maximum now when every other deadline still fits, as soon as possible, on part of the later
    // capacity; the others then need now no more than that leaves them.
    // If not at their maximum, then at part of it, or counting on more of the later capacity (what they do not get
    // before they leave is lost; the others can still take theirs later).
    let atOnce: Placement[] = [];
    let others = new Map<Demand, Placement>();
    // The cars that would not make it anyway (on that capacity) do not count against serving the late ones, as long
    // as they do not miss more for it: placed after the others, as far as they get, they must lack no more energy
    // than with the late ones at nothing now. (What they miss is not settled: a car late by a little often makes
    // it once others finish; a car that cannot make it at all must not take what would get it there.)
    const fitting = (share: number, reserve: number, excused?: Set<Demand>) => {
      const trial = copyOf(full);
      for (let k = K; k < trial.length; k++) trial[k] = trial[k]! * (1 - settings.futureReserve * reserve);
      atOnce = hopeless.map((d) => place(d, [0], trial, slot, kwhPerAs(d), false, share * Math.min(d.capA, d.planMaxA), undefined, undefined, false)!);
      others = new Map<Demand, Placement>();
      const missing: Demand[] = [];
      for (const d of candidates) {
        const p = place(d, byTime, trial, slot, kwhPerAs(d), true, undefined, undefined, undefined, false);
        if (p) others.set(d, p);
        else if (excused && !excused.has(d)) return null;
        else missing.push(d);
      }
      let shortKwh = 0;
      for (const d of missing) shortKwh += place(d, byTime, trial, slot, kwhPerAs(d), false, undefined, undefined, undefined, false)!.shortfallKwh;
      return { missing, shortKwh };
    };
    const first = fitting(0, 1)!;
    const excused = new Set(first.missing);
    const without = new Map<number, number>([[1, first.shortKwh]]);
    const fits = (share: number, reserve: number) => {
      const r = fitting(share, reserve, excused);
      if (r === null) return false;
      let bar = without.get(reserve);
      if (bar === undefined) {
        // What they miss without the late cars, on this reserve: made only when needed (the try keeps its
        // placements, which serve the late cars when it fits).
        const tried = { atOnce, others };
        bar = fitting(0, reserve, excused)?.shortKwh ?? Infinity;
        without.set(reserve, bar);
        ({ atOnce, others } = tried);
      }
      return r.shortKwh <= bar + SHORTFALL_EPS_KWH;
    };
    // The last try asks the least: when even that makes another car late, none does.
    const [leastShare, leastReserve] = HOPELESS_SHARES[HOPELESS_SHARES.length - 1]!;
    let served = false;
    for (const [share, reserve] of fits(leastShare, leastReserve) ? HOPELESS_SHARES : []) {
      if (fits(share, reserve)) {
        served = true;
        break;
      }
    }
    const left = full;
    for (const d of candidates) {
      const { taken } = placed.byDemand.get(d)!;
      for (let i = 0; i < taken.length; i += 2) for (let j = 0; j < d.constraints.length; j++) left[taken[i]! * K + d.constraints[j]!]! -= taken[i + 1]! * d.coefs[j]!;
    }
    for (let k = 0; k < left.length; k++) if (left[k]! < 0) left[k] = 0;
    hopeless.forEach((d, i) => {
      const p = place(d, byTime, left, slot, kwhPerAs(d), false)!;
      placed.byDemand.set(d, served ? { ...p, nowA: atOnce[i]!.nowA } : p);
    });
    if (served) {
      for (const [d, p] of others) {
        const planned = placed.byDemand.get(d)!;
        if (p.nowA < planned.nowA) placed.byDemand.set(d, { ...planned, nowA: p.nowA });
      }
      lateServed = true;
    }
  }

  // The cheapest price in the first m slots (the earliest of those within epsilon) and where it starts, for every m:
  // a car looks at the slots that start before it leaves.
  const cheapestIn: number[] = [Infinity];
  const cheapestFromIn: Array<number | null> = [null];
  for (let s = 0, cheapest = Infinity, cheapestFrom: number | null = null; s < slots; s++) {
    if (price[s]! < cheapest - settings.priceEpsilon) {
      cheapest = price[s]!;
      cheapestFrom = starts[s]!;
    }
    cheapestIn.push(cheapest);
    cheapestFromIn.push(cheapestFrom);
  }
  for (const d of present) {
    const p = placed.byDemand.get(d)!;
    let before = 0;
    for (let hi = slots; before < hi;) {
      const mid = (before + hi) >> 1;
      if (starts[mid]! < d.departureAt!) before = mid + 1;
      else hi = mid;
    }
    const cheapest = cheapestIn[before]!;
    const cheapestNow = price[0]! <= cheapest + settings.priceEpsilon;
    const plan: Plan = {
      nowA: p.nowA,
      shortfallKwh: p.shortfallKwh,
      projectedReadyAt: p.shortfallKwh > 0 || p.ready === -Infinity ? null : Math.ceil(p.ready),
      cheapestNow,
      cheaperFrom: cheapestNow ? null : cheapestFromIn[before]!,
      laxityS: laxity.get(d)!,
    };
    if (lateServed && p.shortfallKwh <= 0) plan.minNowA = Math.min(p.nowA, evenRate(d, now, kwhPerAs(d)) * ON_TIME_FLOOR);
    plans.set(d, plan);
  }
  return plans;
}

/** A sorted copy: highest priority first, then lowest key (each key computed once, not in every comparison). */
function sortedBy(cars: Demand[], keyOf: (d: Demand) => number): Demand[] {
  const priority = new Float64Array(cars.length);
  const key = new Float64Array(cars.length);
  const order: number[] = [];
  cars.forEach((d, i) => {
    priority[i] = d.priority;
    key[i] = keyOf(d);
    order.push(i);
  });
  // (A stable sort, as the sort of the cars themselves was.)
  order.sort((a, b) => priority[b]! - priority[a]! || key[a]! - key[b]!);
  return order.map((i) => cars[i]!);
}

interface Placement {
  nowA: number;
  shortfallKwh: number;
  ready: number;
  /** Slot and per-phase current taken in it, flat: slot, amps, slot, amps… */
  taken: number[];
}

function unplace(d: Demand, p: Placement, capacity: Float64Array, K: number) {
  const { taken } = p;
  for (let i = 0; i < taken.length; i += 2) {
    const base = taken[i]! * K;
    const amps = taken[i + 1]!;
    for (let j = 0; j < d.constraints.length; j++) capacity[base + d.constraints[j]!]! += amps * d.coefs[j]!;
  }
}

interface Slots {
  starts: number[];
  ends: number[];
  K: number;
  /** Vehicles expected later, and when they arrive. */
  arrival: Map<Demand, number>;
}

/**
 * Places each car's need in `order` of slots, in the given order of cars; a car whose need does not fit gives
 * its capacity back (so it cannot make others late too) and, once every car that fits is placed, gets what is
 * left as soon as possible (it is at risk either way). With `everyOne`, null as soon as one car does not fit.
 * Cars from index `swapsBefore` on only take what is left (none of the others is dropped for them).
 */
interface PlacedAll {
  byDemand: Map<Demand, Placement>;
  rejected: number;
}

function placeAll(cars: Demand[], order: number[], capacity: Float64Array, slots: Slots, kwhPerAs: (d: Demand) => number, spare?: number, everyOne?: false, swapsBefore?: number): PlacedAll;
function placeAll(cars: Demand[], order: number[], capacity: Float64Array, slots: Slots, kwhPerAs: (d: Demand) => number, spare: number, everyOne: true): PlacedAll | null;
function placeAll(cars: Demand[], order: number[], capacity: Float64Array, slots: Slots, kwhPerAs: (d: Demand) => number, spare = 1, everyOne = false, swapsBefore = Infinity): PlacedAll | null {
  const byDemand = new Map<Demand, Placement>();
  const late: Demand[] = [];
  // Placed cars, biggest need first, for the swap below.
  const biggestFirst: Demand[] = [];
  const insert = (d: Demand) => {
    let lo = 0;
    let hi = biggestFirst.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (biggestFirst[mid]!.needKwh! >= d.needKwh!) lo = mid + 1;
      else hi = mid;
    }
    biggestFirst.splice(lo, 0, d);
  };
  for (let i = 0; i < cars.length; i++) {
    const d = cars[i]!;
    const p = place(d, order, capacity, slots, kwhPerAs(d), true, Infinity, d.needKwh! * spare);
    if (p) {
      byDemand.set(d, p);
      insert(d);
      continue;
    }
    if (everyOne) return null;
    if (i >= swapsBefore) {
      late.push(d);
      continue;
    }
    // As Moore-Hodgson does for one machine: if dropping the biggest need placed so far lets this car make it,
    // two smaller needs are met instead of one big one.
    const root = d.constraints[d.constraints.length - 1];
    const at = biggestFirst.findIndex((q) => q.needKwh! > d.needKwh! && q.constraints[q.constraints.length - 1] === root);
    const biggest = at >= 0 && biggestFirst[at]!.needKwh! > d.needKwh! ? biggestFirst[at]! : null;
    if (biggest) {
      unplace(biggest, byDemand.get(biggest)!, capacity, slots.K);
      const instead = place(d, order, capacity, slots, kwhPerAs(d), true);
      if (instead) {
        byDemand.delete(biggest);
        biggestFirst.splice(at, 1);
        byDemand.set(d, instead);
        insert(d);
        late.push(biggest);
        continue;
      }
      byDemand.set(biggest, place(biggest, order, capacity, slots, kwhPerAs(biggest), false)!);
    }
    late.push(d);
  }
  const byTime = slots.starts.map((_, s) => s);
  for (const d of late) byDemand.set(d, place(d, byTime, capacity, slots, kwhPerAs(d), false)!);
  return { byDemand, rejected: late.length };
}

/** The per-phase current that delivers a car's need evenly over the time it has left. */
function evenRate(d: Demand, now: number, kwhPerAs: number): number {
  const seconds = (d.departureAt! - now) / 1000;
  return seconds > 0 ? d.needKwh! / (kwhPerAs * seconds) : Infinity;
}

/**
 * Cars that cannot make it still get what they can before they leave (the energy counts, and they leave first):
 * each late car gets up to its maximum now (earliest departure first) when every car that can make it still does,
 * as soon as possible, in what is left. Null when that would make another car late (the late cars then get what
 * the others leave).
 */
function serveLateNow(cars: Demand[], placed: { byDemand: Map<Demand, Placement>; rejected: number }, capacity: Float64Array, byTime: number[], slots: Slots, kwhPerAs: (d: Demand) => number, scratch: Float64Array) {
  const late = cars.filter((d) => placed.byDemand.get(d)!.shortfallKwh > 0).sort((a, b) => a.departureAt! - b.departureAt!);
  const onTime = cars.filter((d) => placed.byDemand.get(d)!.shortfallKwh <= 0);
  const tryServing = (served: Demand[], share = 1) => {
    const left = scratch;
    left.set(capacity);
    const now = served.map((d) => place(d, [0], left, slots, kwhPerAs(d), false, share * Math.min(d.capA, d.planMaxA), undefined, undefined, false)!);
    const byDemand = new Map<Demand, Placement>();
    for (const d of onTime) {
      const p = place(d, byTime, left, slots, kwhPerAs(d), true);
      if (!p) return null;
      byDemand.set(d, p);
    }
    // What they get now changes; what they will miss is still the plan's (it counts on all the later capacity).
    served.forEach((d, i) => byDemand.set(d, { ...placed.byDemand.get(d)!, nowA: now[i]!.nowA }));
    return byDemand;
  };
  let best = tryServing(late);
  if (!best) {
    // Not all of them: as many as keep the others on time, earliest departure first (a few tries at most).
    const served: Demand[] = [];
    for (const d of late.slice(0, LATE_TRIES)) {
      let attempt = tryServing([...served, d]);
      for (const share of LATE_SHARES) attempt ??= tryServing([...served, d], share);
      if (!attempt) continue;
      served.push(d);
      best = attempt;
    }
    if (!best) return null;
    // The others get what is left after the plan's share of everyone else, as before.
    for (const d of late) if (!best.has(d)) best.set(d, placed.byDemand.get(d)!);
  }
  return { byDemand: best, rejected: late.length };
}

/** Each car first at an even rate over the time it has left (with a little to spare), then the rest as soon as possible.
 * Stops at the first car that is late even so (the even plan is then dropped: only `rejected` > 0 counts). */
function placeEvenly(cars: Demand[], capacity: Float64Array, slots: Slots, kwhPerAs: (d: Demand) => number, now: number) {
  const byTime = slots.starts.map((_, s) => s);
  const byDemand = new Map<Demand, Placement>();
  for (const d of cars) {
    const seconds = (d.departureAt! - Math.max(now, slots.arrival.get(d) ?? now)) / 1000;
    const evenA = seconds > 0 ? (d.needKwh! / (kwhPerAs(d) * seconds)) * EVEN_SPARE : Infinity;
    byDemand.set(d, place(d, byTime, capacity, slots, kwhPerAs(d), false, evenA)!);
  }
  let rejected = 0;
  for (const d of cars) {
    const first = byDemand.get(d)!;
    if (first.shortfallKwh <= 0) continue;
    const rest = place(d, byTime, capacity, slots, kwhPerAs(d), false, Infinity, first.shortfallKwh, takenBySlot(first, slots.starts.length))!;
    byDemand.set(d, { nowA: first.nowA + rest.nowA, shortfallKwh: rest.shortfallKwh, ready: Math.max(first.ready, rest.ready), taken: first.taken.concat(rest.taken) });
    if (rest.shortfallKwh > 0) {
      // A late car drops the even plan: the rest is not needed.
      rejected++;
      break;
    }
  }
  return { byDemand, rejected };
}

/** Per slot, the current a placement takes. */
function takenBySlot(p: Placement, slots: number): Float64Array {
  const out = new Float64Array(slots);
  for (let i = 0; i < p.taken.length; i += 2) out[p.taken[i]!]! += p.taken[i + 1]!;
  return out;
}

/** `already`: what the car has been given in each slot before (its maximum holds over both). Without `record`, the
 * placement leaves out what it took in each slot (for trials that only look at the result). */
function place(d: Demand, order: number[], capacity: Float64Array, { starts, ends, K, arrival }: Slots, rate: number, allOrNothing: boolean, capAmps = Infinity, needKwh = d.needKwh!, already?: Float64Array, record = true): Placement | null {
  const arriveAt = arrival.size ? (arrival.get(d) ?? -Infinity) : -Infinity;
  const departureAt = d.departureAt!;
  const constraints = d.constraints;
  const coefs = d.coefs;
  const n = constraints.length;
  let remaining = needKwh;
  const inTimeOrder = order.length < 2 || order[0]! < order[1]!;
  let nowA = 0;
  let ready = -Infinity;
  // What it takes goes to a scratch buffer first (a car that does not fit then allocates nothing).
  if (takenScratch.length < 2 * order.length) takenScratch = new Float64Array(2 * order.length);
  const buf = takenScratch;
  let t = 0;
  const planMaxA = d.planMaxA;
  const topNow = Math.min(d.capA, planMaxA);
  // The root constraint is checked first (the minimum does not depend on the order): a full site ends it at once.
  const root = constraints[n - 1]!;
  const rootCoef = coefs[n - 1]!;
  for (let i = 0; i < order.length && remaining > 1e-9; i++) {
    const s = order[i]!;
    const start = starts[s]!;
    const from = start > arriveAt ? start : arriveAt;
    if (from >= departureAt) {
      if (inTimeOrder) break;
      continue;
    }
    const end = ends[s]!;
    const seconds = ((end < departureAt ? end : departureAt) - from) / 1000;
    if (seconds <= 0) continue;
    const base = s * K;
    const rootRoom = capacity[base + root]! / rootCoef;
    if (rootRoom <= 1e-9) continue;
    const top = s === 0 ? topNow : planMaxA;
    const headroom = already ? top - already[s]! : top;
    let amps = remaining / (rate * seconds);
    if (amps > headroom) amps = headroom;
    if (amps > capAmps) amps = capAmps;
    if (amps > 1e-9 && rootRoom < amps) amps = rootRoom;
    for (let j = n - 2; j >= 0 && amps > 1e-9; j--) {
      const room = capacity[base + constraints[j]!]! / coefs[j]!;
      if (room < amps) amps = room;
    }
    if (amps <= 1e-9) continue;
    for (let j = 0; j < n; j++) capacity[base + constraints[j]!]! -= amps * coefs[j]!;
    buf[t++] = s;
    buf[t++] = amps;
    remaining -= amps * rate * seconds;
    if (s === 0) nowA = amps;
    const done = from + (seconds * 1000 * amps) / top;
    if (done > ready) ready = done;
  }
  if (remaining > 1e-6 && allOrNothing) {
    // (As `unplace`, from the scratch buffer.)
    for (let i = 0; i < t; i += 2) {
      const base = buf[i]! * K;
      const amps = buf[i + 1]!;
      for (let j = 0; j < n; j++) capacity[base + constraints[j]!]! += amps * coefs[j]!;
    }
    return null;
  }
  let taken = NOT_RECORDED;
  if (record) {
    taken = new Array<number>(t);
    for (let i = 0; i < t; i++) taken[i] = buf[i]!;
  }
  return { nowA, shortfallKwh: remaining > 1e-6 ? remaining : 0, ready, taken };
}

const NOT_RECORDED: number[] = [];

/** Scratch for `place` (it runs to the end before it is called again). */
let takenScratch = new Float64Array(64);
