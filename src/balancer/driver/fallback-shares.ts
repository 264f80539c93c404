import { tenths } from '../../domain/charging-profile.ts';
import { ceilStep, floorStep, type CircuitModel, type EvseModel, type PerPhase, type Phase, type SiteModel } from '../core/index.ts';

/** A station's fail-safe share: the per-phase current it may draw while Ampyard is not there to manage it. */
export interface FallbackShare {
  stationId: string;
  /** Per phase of the station, A; 0 = the station must not charge without Ampyard. */
  shareA: number;
  /** What the station could draw at most, per phase (its EVSEs' maxima on its busiest phase). */
  physicalA: number;
  /** Its highest EVSE minimum: a share below it is useless, so it is 0 or at least this. */
  minA: number;
  /** Grid phases (0..2) its EVSEs are wired to. */
  gridPhases: number[];
  /** Maximum output power of its EVSEs together, W. */
  physicalW: number;
  allDc: boolean;
}

const PHASE_INDEX: Record<Phase, number> = { L1: 0, L2: 1, L3: 2 };
const perPhase = (v: number | PerPhase): PerPhase => (typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]]);
const DEFAULT_DC_EFFICIENCY = 0.95;
/** OCPP limits carry one decimal. */
const OCPP_STEP_A = 0.1;

/**
 * The lowest limit a circuit can have at any time (every time-of-day entry, and an override in force), less its
 * margin and the worst-case non-charger load: what the fail-safe shares must fit in, whenever Ampyard stops.
 */
function worstCapacity(c: CircuitModel, override: { limitA?: number | PerPhase; maxPowerKw?: number } | undefined, voltageV: number): { amps: PerPhase; watts: number } {
  const limit = perPhase(c.limitA);
  let kw = c.maxPowerKw ?? Infinity;
  for (const entry of c.schedule ?? []) {
    if (entry.limitA !== undefined) perPhase(entry.limitA).forEach((v, p) => (limit[p] = Math.min(limit[p]!, v)));
    if (entry.maxPowerKw !== undefined) kw = Math.min(kw, entry.maxPowerKw);
  }
  if (override?.limitA !== undefined) perPhase(override.limitA).forEach((v, p) => (limit[p] = Math.min(limit[p]!, v)));
  if (override?.maxPowerKw !== undefined) kw = Math.min(kw, override.maxPowerKw);
  const load = c.fallbackLoadA === undefined ? [0, 0, 0] : perPhase(c.fallbackLoadA);
  const margin = c.marginA ?? 0;
  const amps = limit.map((l, p) => Math.max(0, l - margin - Math.max(0, load[p]!))) as PerPhase;
  const watts = Math.max(0, kw * 1000 - margin * 3 * voltageV - load.reduce((s, a) => s + Math.max(0, a), 0) * voltageV);
  return { amps, watts };
}

function evseInputMaxA(e: EvseModel, voltageV: number): number {
  const v = e.voltageV ?? voltageV;
  if (e.kind === 'DC') return (e.maxPowerW ?? 50_000) / (v * e.phases * (e.dcEfficiency ?? DEFAULT_DC_EFFICIENCY));
  return Math.min(e.maxCurrentA ?? 32, (e.maxPowerW ?? Infinity) / (v * e.phases));
}

function evseMinA(e: EvseModel, voltageV: number): number {
  if (e.kind === 'DC') return (e.minPowerW ?? 0) / ((e.voltageV ?? voltageV) * e.phases * (e.dcEfficiency ?? DEFAULT_DC_EFFICIENCY));
  return Math.max(e.minCurrentA ?? 6, e.quirks?.minCurrentA ?? 0);
}

interface Member {
  share: FallbackShare;
  /** The resolution its limits take, A (a station that takes whole amps: 1). */
  stepA: number;
  /** Constraint indices (circuit × 4 + phase, or + 3 for power) and weights (1 A, or W per A). */
  constraints: number[];
  weights: number[];
}

/**
 * Shares every circuit's worst-case capacity among the stations below it, max-min fair per phase (after phase
 * rotation), so that all stations at their shares together stay within every circuit, phase and power limit at
 * any time of day. A station whose share would be below its minimum current gets 0 instead (the one with the
 * smallest share goes first, its capacity shared again), so those that keep a share can charge with it.
 */
export function fallbackShares(site: SiteModel, stationOf: (evseId: string) => string, overrides: Map<string, { limitA?: number | PerPhase; maxPowerKw?: number }> = new Map()): Map<string, FallbackShare> {
  const v = site.voltageV ?? 230;
  const index = new Map(site.circuits.map((c, i) => [c.id, i]));
  const capacity = new Float64Array(site.circuits.length * 4);
  site.circuits.forEach((c, i) => {
    const cap = worstCapacity(c, overrides.get(c.id), v);
    for (let p = 0; p < 3; p++) capacity[i * 4 + p] = cap.amps[p]!;
    capacity[i * 4 + 3] = cap.watts;
  });
  const pathOf = (circuitId: string): number[] => {
    const path: number[] = [];
    for (let i = index.get(circuitId); i !== undefined && !path.includes(i); ) {
      path.push(i);
      const parent = site.circuits[i]!.parentId;
      i = parent === undefined ? undefined : index.get(parent);
    }
    return path;
  };

  const byStation = new Map<string, EvseModel[]>();
  for (const e of site.evses) {
    const id = stationOf(e.id);
    byStation.set(id, [...(byStation.get(id) ?? []), e]);
  }
  const members: Member[] = [];
  for (const [stationId, evses] of byStation) {
    const perGrid = [0, 0, 0];
    for (const e of evses) {
      const max = e.quirks?.ignoresLimits ? 0 : evseInputMaxA(e, v);
      for (let i = 0; i < e.phases; i++) {
        const wired = e.rotation?.[i];
        perGrid[wired ? PHASE_INDEX[wired] : i]! += max;
      }
    }
    const gridPhases = [0, 1, 2].filter((p) => perGrid[p]! > 0);
    const physicalW = evses.reduce((s, e) => s + (e.kind === 'DC' ? (e.maxPowerW ?? 50_000) : evseInputMaxA(e, v) * (e.voltageV ?? v) * e.phases), 0);
    const stepA = Math.max(...evses.map((e) => e.quirks?.stepA ?? OCPP_STEP_A));
    // tenths() removes the float noise stepping leaves (60 × 0.1 is 6.000000000000001).
    const share: FallbackShare = {
      stationId, shareA: 0, physicalA: Math.max(0, ...perGrid), minA: tenths(ceilStep(Math.max(0, ...evses.map((e) => evseMinA(e, v))), stepA)), gridPhases, physicalW,
      allDc: evses.every((e) => e.kind === 'DC'),
    };
    const constraints: number[] = [];
    const weights: number[] = [];
    // A station's EVSEs share one circuit (its own, or its station-limit circuit).
    for (const c of pathOf(evses[0]!.circuitId)) {
      for (const p of gridPhases) {
        constraints.push(c * 4 + p);
        weights.push(1);
      }
      if (Number.isFinite(capacity[c * 4 + 3]!)) {
        constraints.push(c * 4 + 3);
        weights.push(v * gridPhases.length);
      }
    }
    members.push({ share, stepA, constraints, weights });
  }

  const excluded = new Set<Member>();
  for (;;) {
    fill(members.filter((m) => !excluded.has(m) && m.share.gridPhases.length > 0), capacity);
    const short = members.filter((m) => !excluded.has(m) && m.share.gridPhases.length > 0 && m.share.shareA < m.share.minA - 1e-9);
    if (short.length === 0) break;
    short.sort((a, b) => a.share.shareA - b.share.shareA || b.share.stationId.localeCompare(a.share.stationId));
    excluded.add(short[0]!);
  }
  const out = new Map<string, FallbackShare>();
  for (const m of members) {
    // Rounded down to what the station takes; a share that rounding puts below its minimum is no use to it.
    const shareA = excluded.has(m) ? 0 : tenths(floorStep(Math.floor(m.share.shareA * 10 + 1e-6) / 10, m.stepA));
    m.share.shareA = shareA < m.share.minA - 1e-9 ? 0 : shareA;
    out.set(m.share.stationId, m.share);
  }
  return out;
}

/** Progressive filling: every member's share grows at the same pace until a constraint it is in, or its maximum, stops it. */
function fill(members: Member[], capacity: Float64Array): void {
  for (const m of members) m.share.shareA = 0;
  const room = Float64Array.from(capacity);
  let active = members.filter((m) => m.share.physicalA > 0);
  while (active.length) {
    const rate = new Float64Array(room.length);
    for (const m of active) m.constraints.forEach((k, j) => (rate[k]! += m.weights[j]!));
    let step = Infinity;
    for (let k = 0; k < room.length; k++) if (rate[k]! > 0) step = Math.min(step, Math.max(0, room[k]!) / rate[k]!);
    for (const m of active) step = Math.min(step, m.share.physicalA - m.share.shareA);
    for (const m of active) m.share.shareA += step;
    for (let k = 0; k < room.length; k++) room[k]! -= step * rate[k]!;
    const tight = (k: number) => rate[k]! > 0 && room[k]! <= 1e-7 * Math.max(1, capacity[k]!);
    active = active.filter((m) => m.share.shareA < m.share.physicalA - 1e-9 && !m.constraints.some(tight));
  }
}
