import type { Binding, EvseAllocation, PerPhase } from '../core/index.ts';
import type { SiteSnapshot } from '../site/model.ts';
import type { BalancerDriver, LastCycle } from './driver.ts';

const PHASES = ['L1', 'L2', 'L3'] as const;
const iso = (t: number | null) => (t === null || !Number.isFinite(t) ? null : new Date(t).toISOString());
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The binding constraint in words, e.g. "grid L2 at 98 %", "paused for priority (feeder B L1)". */
export function reasonOf(binding: Binding, nameOf: (circuitId: string) => string): string {
  const where = (circuit: string, phase: string) => `${nameOf(circuit)}${phase === 'power' ? ' power' : ` ${phase}`}`;
  switch (binding.kind) {
    case 'circuit':
      return `${where(binding.circuit, binding.phase)} at ${Math.round(binding.utilisation * 100)} %`;
    case 'evse-max':
      return 'charger maximum';
    case 'vehicle-max':
      return 'vehicle maximum';
    case 'unused':
      return `car takes less than offered (offered more again from ${iso(binding.probeAt)})`;
    case 'price':
      return binding.cheaperFrom === null ? 'waiting for cheaper energy' : `waiting for cheaper energy from ${iso(binding.cheaperFrom)}`;
    case 'target-reached':
      return 'target reached';
    case 'paused-priority':
      return `paused for priority (${where(binding.circuit, binding.phase)})`;
    case 'paused-min-current':
      return `paused: too little for its minimum current (${where(binding.circuit, binding.phase)})`;
    case 'deadline':
      return `paused so others make their departure (${where(binding.circuit, binding.phase)})`;
    case 'overdraw':
      return `draws ${round1(binding.measuredA)} A, more than its limit: reserved as drawn`;
    case 'uncontrolled':
      return 'station ignores limits: its maximum is reserved';
    case 'assumed-draw':
      return `may draw ${round1(binding.drawA)} A, more than its limit (not confirmed, out of reach or not following): reserved as such`;
    case 'unknown-evse':
      return 'EVSE not in the site model';
  }
}

/** GET /api/v1/site/allocations: per EVSE its allocation and why, per circuit its load against its limit. */
export function explain(snapshot: SiteSnapshot, driver: BalancerDriver, last: LastCycle | undefined, connected: (stationId: string) => boolean) {
  const names = new Map(snapshot.circuits.map((c) => [c.id, c.name || c.id]));
  const nameOf = (id: string) => names.get(id) ?? (id.startsWith('station:') ? `station ${id.slice(8)} limit` : id);
  if (!last) return { at: null, enabled: snapshot.config.enabled, evses: [], offline: [], circuits: [], stations: [] };
  const { result, sessions, core } = last;
  const models = new Map(core.site.evses.map((e) => [e.id, e]));
  const states = new Map(last.state.sessions.map((x) => [x.sessionId, x]));
  const evses = [];
  const offline = [];
  for (const a of result.evses) {
    const s = sessions.get(a.sessionId);
    if (!s) {
      const e = core.evses.get(a.evseId);
      offline.push({ stationId: e?.stationId ?? null, evseId: e?.evseId ?? null, reservedA: a.reservedA, perPhaseA: a.gridA, reason: 'station offline: it may draw up to its fail-safe share' });
      continue;
    }
    const cmd = driver.sessionCommands(a.sessionId);
    const told = cmd?.lastTold();
    // A failed command stays `failed` (with its reason) while it is sent again, until the station confirms one.
    const status = !told ? 'not-sent' : cmd!.failed ? 'failed' : cmd!.confirmed?.seq === told.seq ? 'applied' : 'sending';
    const reading = driver.reading(s.tx.id);
    const vehicle = s.tx.idToken ? snapshot.vehicles.find((v) => v.idTokens.some((t) => t.toUpperCase() === s.tx.idToken!.toUpperCase())) : undefined;
    evses.push({
      stationId: s.tx.stationId,
      evseId: s.tx.evseId,
      transactionId: s.tx.id,
      idToken: s.tx.idToken,
      vehicle: vehicle ? { id: vehicle.id, name: vehicle.name } : null,
      allocation: { currentA: a.currentA, limit: a.limit, unit: a.unit, phasesToUse: a.phasesToUse, perPhaseA: a.gridA, reservedA: a.reservedA },
      applied: told ? { status, limit: told.allocation.limit, unit: told.allocation.unit, at: iso(cmd!.confirmed?.at ?? told.at), problem: status === 'failed' ? cmd!.failed!.why : null } : { status },
      measuredA: reading?.currentA ? evsePhasesOnly(reading.currentA, models.get(a.evseId)?.phases ?? 3) : null,
      measuredPowerW: reading?.powerW ?? null,
      measuredAt: iso(reading?.at ?? null),
      binding: a.binding,
      reason: reasonOf(a.binding, nameOf),
      needKwh: a.needKwh === null ? null : round1(a.needKwh),
      deliveredKwh: round1(states.get(a.sessionId)?.energyKwh ?? 0),
      departureAt: iso(states.get(a.sessionId)?.need?.departureAt ?? null),
      projectedReadyAt: iso(a.projectedReadyAt),
      atRisk: a.atRisk !== null,
      shortfallKwh: a.atRisk?.shortfallKwh ?? 0,
      nonCompliant: driver.nonCompliant(a.sessionId) ?? null,
      assumedEvse: s.evse.assumed,
    });
  }
  const measuredByCircuit = chargersMeasured(last, result.evses);
  const circuits = result.circuits.map((c) => {
    const stored = snapshot.circuits.find((x) => x.id === c.circuitId);
    const chargers = measuredByCircuit.get(c.circuitId) ?? [0, 0, 0];
    return {
      id: c.circuitId,
      name: nameOf(c.circuitId),
      parentId: stored?.parentId ?? core.site.circuits.find((x) => x.id === c.circuitId)?.parentId ?? null,
      limitA: c.limitA,
      marginA: c.marginA,
      loadA: c.loadA,
      loadStale: c.loadStale,
      allocatedA: c.allocatedA,
      measuredA: chargers.map((x, p) => round1(x + c.loadA[p]!)) as PerPhase,
      utilisation: c.utilisation,
      maxPowerKw: c.maxPowerKw,
      powerKw: c.powerKw,
      override: stored?.override ?? null,
    };
  });
  const stations = snapshot.stations.map((st) => {
    const share = last.shares.get(st.stationId);
    return { stationId: st.stationId, connected: connected(st.stationId), fallback: { shareA: share?.shareA ?? 0, physicalA: share?.physicalA ?? 0, status: driver.fallbackStatus(st.stationId) } };
  });
  return { at: iso(last.at), enabled: snapshot.config.enabled, planMode: result.memory.plan?.mode ?? null, cycleMs: Math.round(last.cycleMs * 1000) / 1000, evses, offline, circuits, stations };
}

function evsePhasesOnly(m: PerPhase, phases: number): number[] {
  return m.slice(0, phases).map(round1);
}

/** What the chargers below each circuit were last measured drawing, per grid phase (a silent station: its reservation). */
function chargersMeasured(last: LastCycle, allocations: EvseAllocation[]): Map<string, PerPhase> {
  const models = new Map(last.core.site.evses.map((e) => [e.id, e]));
  const circuits = new Map(last.core.site.circuits.map((c) => [c.id, c]));
  const sessions = new Map(last.state.sessions.map((s) => [s.sessionId, s]));
  const out = new Map<string, PerPhase>();
  for (const a of allocations) {
    const model = models.get(a.evseId);
    const session = sessions.get(a.sessionId);
    if (!model) continue;
    const draw: PerPhase = [0, 0, 0];
    for (let i = 0; i < model.phases; i++) {
      const phase = model.rotation?.[i] ?? PHASES[i]!;
      draw[PHASES.indexOf(phase)]! += session?.measuredA?.[i] ?? 0;
    }
    for (let c = circuits.get(model.circuitId); c; c = c.parentId === undefined ? undefined : circuits.get(c.parentId)) {
      const total = out.get(c.id) ?? [0, 0, 0];
      for (let p = 0; p < 3; p++) total[p]! += draw[p]!;
      out.set(c.id, total);
    }
  }
  return out;
}
