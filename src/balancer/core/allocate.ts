import { capacitiesOver, POWER, treeOf, type Capacities, type CircuitTree } from './circuits.ts';
import { compileDemand, floorStep, type Demand } from './demand.ts';
import { planDeadlines, type Plan, type Plans } from './planner.ts';
import { admit, constraintName, rank, serveDeadlines, type Wish } from './selection.ts';
import { DEFAULT_VOLTAGE_V, settingsOf } from './settings.ts';
import type { AllocationResult, BalancerMemory, BalancerSettings, Binding, CircuitUsage, EvseAllocation, EvseModel, PerPhase, PlanMemory, SiteModel, SiteState } from './types.ts';
import { waterFill, type FillItem } from './water-fill.ts';

/**
 * The allocation core: per-EVSE limits that keep every circuit and phase of the site within its limit − margin
 * (after phase rotation, with the non-charger load), never a non-zero value below an EVSE's minimum, deadlines
 * first, spare capacity where it is cheapest, then shared max-min fair by priority. Pure: time is `state.now`
 * and what it remembers between cycles goes out in `memory` and comes back in `state.memory`.
 */
export function allocate(site: SiteModel, state: SiteState): AllocationResult {
  const settings = settingsOf(site);
  const now = state.now;
  const tree = treeOf(site, site.voltageV ?? DEFAULT_VOLTAGE_V);
  const caps = capacitiesOver(tree, state, settings, now, now + settings.limitLookAheadS * 1000, site.timeZone);
  const evses = new Map<string, EvseModel>(site.evses.map((e) => [e.id, e]));
  const overridden = new Set((state.limitOverrides ?? []).filter((o) => o.maxPowerKw !== undefined).map((o) => o.circuitId));
  const powerLimited = site.circuits.map((c) => c.maxPowerKw !== undefined || overridden.has(c.id) || (c.schedule ?? []).some((e) => e.maxPowerKw !== undefined));
  const previous = state.memory?.sessions ?? {};
  const powerKey = powerLimited.map((p) => (p ? '1' : '0')).join('');
  let wiringCache = tree.wiringCaches.get(powerKey);
  if (!wiringCache) tree.wiringCaches.set(powerKey, (wiringCache = new Map()));
  const ctx = { tree, settings, now, powerLimited, wiringCache };

  const demands: Array<Demand | null> = state.sessions.map((s) => {
    const evse = evses.get(s.evseId);
    return evse ? compileDemand(s, evse, ctx, previous[s.sessionId]) : null;
  });
  const live = demands.filter((d): d is Demand => d !== null);
  const slack = caps.capacity.slice();
  for (const d of live) {
    if (d.fixedA === null) continue;
    for (let j = 0; j < d.constraints.length; j++) slack[d.constraints[j]!]! -= d.fixedA * d.coefs[j]!;
  }
  const expected = (state.expected ?? []).flatMap((e) => {
    const evse = evses.get(e.evseId);
    if (!evse || e.arriveAt <= now) return [];
    const pseudo = { evseId: e.evseId, sessionId: `expected:${e.vehicleId}`, vehicleId: e.vehicleId, startedAt: e.arriveAt, energyKwh: 0, need: e.need };
    return [{ demand: compileDemand(pseudo, evse, ctx, undefined), arriveAt: e.arriveAt }];
  });
  const planKey = keyOfPlan(live, expected, state);
  const slotMs = settings.slotMinutes * 60_000;
  const cached = state.memory?.plan;
  const reuse = cached !== undefined && cached.key === planKey && now >= cached.at && now - cached.at < settings.replanS * 1000
    && Math.floor(now / slotMs) === Math.floor(cached.at / slotMs);
  const plans = reuse
    ? new Map(live.flatMap((d) => (cached.sessions[d.session.sessionId] ? [[d, cached.sessions[d.session.sessionId]!] as const] : [])))
    : planDeadlines(live, {
      tree, state, settings, timeZone: site.timeZone, capacityNow: slack.slice(), limitNowA: caps.limitA, maxPowerNowW: caps.maxPowerW, subtreeLoadA: caps.subtreeLoadA,
      ...(cached?.mode && now - cached.at < 10 * settings.replanS * 1000 ? { lastMode: cached.mode } : {}),
      ...(cached ? { lastLate: new Set(Object.keys(cached.sessions).filter((id) => cached.sessions[id]!.shortfallKwh > 0)) } : {}),
    }, expected);
  const mode = reuse ? cached.mode : (plans as Plans).mode;
  let planMemory: PlanMemory;
  if (reuse) planMemory = cached;
  else {
    const sessions: PlanMemory['sessions'] = {};
    for (const [d, p] of plans) sessions[d.session.sessionId] = p;
    planMemory = { at: now, key: planKey, ...(mode ? { mode } : {}), sessions };
  }
  const wishes = live.filter((d) => d.fixedA === null).map((d) => wishOf(d, plans.get(d), state, mode, settings));
  const ranked = rank(wishes, now, settings.rotationPeriodS);
  const circuitIds = tree.circuits.map((c) => c.id);
  const admission = admit(ranked, slack, circuitIds);
  const stoppedBy = serveDeadlines(ranked, admission, slack);

  // Spare capacity: strictly by priority band, max-min fair within a band.
  const admitted = ranked.filter((w) => admission.allocA.has(w));
  const bands = [...new Set(admitted.map((w) => w.demand.priority))].sort((a, b) => b - a);
  for (const band of bands) {
    const members = admitted.filter((w) => w.demand.priority === band);
    // A car that will leave before it is full (its departure is known) first: what it does not get now is lost,
    // the others can still take theirs later.
    const late = members.filter((w) => w.late);
    if (late.length) {
      // Closest to making it first (highest laxity): a car that only just cannot make it may well make it (its
      // departure and what it draws are known only so well), one far from it misses its deadline either way.
      for (const w of [...late].sort((a, b) => b.laxityS - a.laxityS)) {
        const filled = waterFill([{ base: admission.allocA.get(w)!, want: w.wantA, constraints: w.demand.constraints, coefs: w.demand.coefs }], slack);
        admission.allocA.set(w, filled.alloc[0]!);
        if (filled.frozenBy[0]! >= 0) stoppedBy.set(w, filled.frozenBy[0]!);
      }
    }
    // Under a power limit, fair in between current and power (a 1-phase car gets up to √3 × the current of a
    // 3-phase one): in current alone the slow cars, on fewer phases, are the ones still charging when they leave.
    const weightOf = (w: Wish) => (w.demand.constraints.some((k) => k % 4 === POWER) ? Math.sqrt(((w.demand.outWPerA / w.demand.inWPerA) * w.demand.evsePhases.length) / 3) : 1);
    const weights = members.map(weightOf);
    const items: FillItem[] = members.map((w, i) => {
      const k = weights[i]!;
      const d = w.demand;
      return k === 1 ? { base: admission.allocA.get(w)!, want: w.wantA, constraints: d.constraints, coefs: d.coefs } : { base: admission.allocA.get(w)! * k, want: w.wantA * k, constraints: d.constraints, coefs: d.coefs.map((c) => c / k) };
    });
    const filled = waterFill(items, slack);
    members.forEach((w, i) => {
      admission.allocA.set(w, filled.alloc[i]! / weights[i]!);
      if (filled.frozenBy[i]! >= 0) stoppedBy.set(w, filled.frozenBy[i]!);
    });
  }

  const wishOfDemand = new Map(wishes.map((w) => [w.demand, w]));
  const evseResults: EvseAllocation[] = [];
  const pending: Array<{ result: EvseAllocation; constraint: number }> = [];
  state.sessions.forEach((session, i) => {
    const d = demands[i];
    if (!d) {
      evseResults.push(unknownEvse(session.evseId, session.sessionId));
      return;
    }
    const wish = wishOfDemand.get(d);
    const plan = plans.get(d);
    let currentA: number;
    let reservedA: number;
    let binding: Binding;
    let constraint = -1;
    if (d.fixedA !== null) {
      // Keep commanding a valid limit (the car may start following it); count what it really takes.
      currentA = d.maxA < d.minA ? 0 : floor1(floorStep(Math.min(Math.max(d.session.lastAllocation?.currentA ?? d.minA, d.minA), d.maxA), d.stepA));
      reservedA = Math.max(d.fixedA, currentA);
      binding = d.fixedBinding!;
    } else {
      const raw = admission.allocA.get(wish!);
      currentA = raw === undefined ? 0 : floor1(floorStep(raw, d.stepA));
      reservedA = currentA;
      if (raw === undefined) binding = admission.paused.get(wish!) ?? (wish!.wantA <= 0 ? wish!.wantBinding : d.maxA < d.minA ? { kind: 'vehicle-max' } : wish!.wantBinding);
      else if (raw >= d.capA - 1e-6) binding = d.capBinding;
      else if (raw >= wish!.wantA - 1e-6) binding = wish!.wantBinding;
      else {
        constraint = stoppedBy.get(wish!) ?? -1;
        binding = d.capBinding;
      }
    }
    const result = evseResult(d, currentA, reservedA, binding, plan, now);
    if (constraint >= 0) pending.push({ result, constraint });
    evseResults.push(result);
  });

  const circuits = usage(tree, caps, evseResults, site);
  const byId = new Map(circuits.map((c) => [c.circuitId, c]));
  for (const { result, constraint } of pending) {
    const where = constraintName(constraint, circuitIds);
    const u = byId.get(where.circuit)!;
    const utilisation = where.phase === 'power' ? (u.maxPowerKw ? u.powerKw / (u.maxPowerKw - (u.marginA * 3 * tree.voltageV) / 1000) : 0) : u.utilisation[constraint % 4]!;
    result.binding = { kind: 'circuit', ...where, utilisation: round3(utilisation) };
  }
  return { at: now, evses: evseResults, circuits, memory: { ...nextMemory(live, evseResults, state, settings), plan: planMemory } };
}

/** What the deadline plan depends on, apart from loads and time: it is made again when this changes. */
function keyOfPlan(live: Demand[], expected: Array<{ demand: Demand; arriveAt: number }>, state: SiteState): string {
  let key = `${JSON.stringify(state.limitOverrides ?? [])}|${state.prices?.length ?? -1}|`;
  for (const d of live) {
    if (d.departureAt === null || d.needKwh === null) continue;
    key += `${d.session.sessionId}:${d.departureAt}:${d.priority}:${d.evsePhases.length}:${d.needKwh > 1e-6 ? 1 : 0}:${d.fixedA === null ? 0 : 1};`;
  }
  for (const e of expected) key += `+${e.demand.session.sessionId}:${e.arriveAt};`;
  return key;
}

function wishOf(d: Demand, plan: Plan | undefined, state: SiteState, mode: PlanMemory['mode'], settings: BalancerSettings): Wish {
  const laxityS = plan?.laxityS ?? Infinity;
  if (d.needKwh !== null && d.needKwh <= 1e-3) return { demand: d, wantA: 0, wantBinding: { kind: 'target-reached' }, requiredA: 0, urgentA: 0, late: false, laxityS, canWait: false };
  // A car that cannot make it anyway is served after those that can (from what they leave), before the rest.
  const late = plan !== undefined && plan.shortfallKwh > 0;
  const requiredA = plan && plan.nowA > 1e-9 ? Math.min(d.capA, Math.max(plan.nowA, d.minA)) : 0;
  const canWait = plan !== undefined && !late && plan.nowA < d.minA && laxityS > settings.waitLaxityS;
  const urgentA = plan?.minNowA === undefined ? requiredA : plan.minNowA > 1e-9 ? Math.min(requiredA, Math.max(plan.minNowA, d.minA)) : 0;
  // Holding back for cheaper hours only while the plan fits every deadline into them: when it does not, the
  // cheap hours are full and what is not used now is lost to the cars without a departure.
  if (plan && state.prices && mode === 'cheap' && !plan.cheapestNow && plan.shortfallKwh <= 0) {
    return { demand: d, wantA: requiredA, wantBinding: { kind: 'price', cheaperFrom: plan.cheaperFrom }, requiredA, urgentA, late, laxityS, canWait };
  }
  return { demand: d, wantA: d.capA, wantBinding: d.capBinding, requiredA, urgentA, late, laxityS, canWait };
}

function evseResult(d: Demand, currentA: number, reservedA: number, binding: Binding, plan: Plan | undefined, now: number): EvseAllocation {
  const gridA: PerPhase = [0, 0, 0];
  for (const p of d.gridPhases) gridA[p]! += reservedA;
  const useW = d.evse.unit === 'W';
  const stepW = d.evse.quirks?.stepW ?? 1;
  const limit = useW ? floorStep(currentA * d.outWPerA, stepW) : currentA;
  let projectedReadyAt: number | null = null;
  if (plan) projectedReadyAt = plan.projectedReadyAt;
  else if (d.needKwh !== null && d.needKwh <= 1e-3) projectedReadyAt = now;
  else if (d.needKwh !== null && currentA > 0) projectedReadyAt = Math.ceil(now + (d.needKwh * 3.6e9) / (currentA * d.outWPerA));
  const departed = d.departureAt !== null && d.departureAt <= now && (d.needKwh ?? 0) > 1e-3;
  const shortfall = departed ? d.needKwh! : (plan?.shortfallKwh ?? 0);
  return {
    evseId: d.evse.id,
    sessionId: d.session.sessionId,
    currentA,
    limit,
    unit: d.evse.unit,
    phasesToUse: d.evsePhases.length,
    evsePhases: d.evsePhases,
    reservedA,
    gridA,
    binding,
    needKwh: d.needKwh,
    projectedReadyAt,
    atRisk: shortfall > 1e-3 ? { shortfallKwh: round3(shortfall) } : null,
  };
}

function unknownEvse(evseId: string, sessionId: string): EvseAllocation {
  return {
    evseId, sessionId, currentA: 0, limit: 0, unit: 'A', phasesToUse: 0, evsePhases: [], reservedA: 0, gridA: [0, 0, 0],
    binding: { kind: 'unknown-evse' }, needKwh: null, projectedReadyAt: null, atRisk: null,
  };
}

function usage(tree: CircuitTree, caps: Capacities, evses: EvseAllocation[], site: SiteModel): CircuitUsage[] {
  const n = tree.circuits.length;
  const allocated = new Float64Array(n * 3);
  const evseCircuit = new Map(site.evses.map((e) => [e.id, tree.index.get(e.circuitId)!]));
  for (const r of evses) {
    const c = evseCircuit.get(r.evseId);
    if (c === undefined) continue;
    for (const a of tree.paths[c]!) for (let p = 0; p < 3; p++) allocated[a * 3 + p]! += r.gridA[p]!;
  }
  return tree.circuits.map((circuit, c) => {
    const marginA = circuit.marginA ?? 0;
    const limitA: PerPhase = [caps.limitA[c * 3]!, caps.limitA[c * 3 + 1]!, caps.limitA[c * 3 + 2]!];
    const loadA: PerPhase = [caps.subtreeLoadA[c * 3]!, caps.subtreeLoadA[c * 3 + 1]!, caps.subtreeLoadA[c * 3 + 2]!];
    const allocatedA: PerPhase = [allocated[c * 3]!, allocated[c * 3 + 1]!, allocated[c * 3 + 2]!];
    const utilisation = limitA.map((l, p) => round3((allocatedA[p]! + loadA[p]!) / Math.max(1e-9, l - marginA))) as PerPhase;
    const powerKw = ((allocatedA[0] + allocatedA[1] + allocatedA[2] + loadA[0] + loadA[1] + loadA[2]) * tree.voltageV) / 1000;
    const maxPowerW = caps.maxPowerW[c]!;
    return {
      circuitId: circuit.id, limitA, marginA, loadA: loadA.map(round1) as PerPhase,
      loadStale: caps.loadStale.some((stale, i) => stale && tree.paths[i]!.includes(c)),
      allocatedA: allocatedA.map(round1) as PerPhase, utilisation,
      maxPowerKw: Number.isFinite(maxPowerW) ? maxPowerW / 1000 : null, powerKw: round3(powerKw),
    };
  });
}

function nextMemory(live: Demand[], results: EvseAllocation[], state: SiteState, settings: BalancerSettings): BalancerMemory {
  const bySession = new Map(results.map((r) => [r.sessionId, r]));
  const sessions: BalancerMemory['sessions'] = {};
  for (const d of live) {
    const r = bySession.get(d.session.sessionId)!;
    const m = d.memory;
    const before = m.lastA ?? 0;
    if (r.currentA > 0) {
      if (before <= 0 || m.runningSince === undefined) m.runningSince = state.now;
      delete m.pausedSince;
    } else {
      m.pausedSince ??= state.now;
      delete m.runningSince;
    }
    if (r.currentA > Math.max(before, d.session.lastAllocation?.currentA ?? 0) + settings.underuseThresholdA) m.raisedAt = state.now;
    m.lastA = r.currentA;
    sessions[d.session.sessionId] = m;
  }
  return { sessions };
}

/** OCPP takes one decimal; rounding down keeps the sums within the limits. */
const floor1 = (x: number) => Math.floor(x * 10 + 1e-6) / 10;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

