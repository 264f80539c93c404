import { latestLoads, resolveLoad } from './loads.ts';
import { gridPhasesOf, PHASES } from './phases.ts';
import { circuitLimitOver } from './schedule.ts';
import { DEFAULT_DC_EFFICIENCY, DEFAULT_VOLTAGE_V, IEC_MIN_CURRENT_A, settingsOf } from './settings.ts';
import type { AllocationResult, CircuitConstraint, EvseAllocation, EvseModel, SiteModel, SiteState } from './types.ts';

export type Violation =
  | { kind: 'circuit'; circuit: string; phase: CircuitConstraint; total: number; allowed: number }
  | { kind: 'min-current'; evseId: string; currentA: number; minA: number }
  | { kind: 'evse-max'; evseId: string; currentA: number; maxA: number }
  | { kind: 'reservation'; evseId: string; message: string };

const TOLERANCE = 1e-6;

function evseMinA(evse: EvseModel, phases: number, voltageV: number): number {
  if (evse.kind === 'DC') return (evse.minPowerW ?? 0) / (voltageV * phases * (evse.dcEfficiency ?? DEFAULT_DC_EFFICIENCY));
  return Math.max(evse.minCurrentA ?? IEC_MIN_CURRENT_A, evse.quirks?.minCurrentA ?? 0);
}

/**
 * Checks an allocation independently of how it was made: for every circuit and phase (and power limit), the sum of
 * the reservations of the EVSEs below it, mapped to grid phases through each EVSE's rotation, plus the non-charger
 * load, against the limit in force at `state.now` minus the margin; and every EVSE's value against its minimum,
 * its maximum and the unit conversion.
 */
export function violations(site: SiteModel, state: SiteState, result: AllocationResult): Violation[] {
  const out: Violation[] = [];
  const siteV = site.voltageV ?? DEFAULT_VOLTAGE_V;
  const evseById = new Map(site.evses.map((e) => [e.id, e]));
  const circuits = new CircuitTotals(site, state, result.evses);

  for (const a of result.evses) {
    const evse = evseById.get(a.evseId);
    if (!evse) {
      if (a.currentA !== 0) out.push({ kind: 'reservation', evseId: a.evseId, message: 'allocation for an unknown EVSE' });
      continue;
    }
    const v = evse.voltageV ?? siteV;
    if (a.evsePhases.some((i) => i < 0 || i >= evse.phases) || (a.currentA > 0 && a.evsePhases.length === 0)) {
      out.push({ kind: 'reservation', evseId: a.evseId, message: `phases ${a.evsePhases.join(',')} not on a ${evse.phases}-phase EVSE` });
    }
    if (a.reservedA < a.currentA - TOLERANCE) out.push({ kind: 'reservation', evseId: a.evseId, message: 'reserved less than commanded' });
    const minA = evseMinA(evse, a.evsePhases.length || evse.phases, v);
    if (a.currentA > 0 && a.currentA < minA - TOLERANCE) out.push({ kind: 'min-current', evseId: a.evseId, currentA: a.currentA, minA });
    if (evse.kind === 'AC') {
      const maxA = evse.maxCurrentA ?? 32;
      if (a.currentA > maxA + TOLERANCE && !evse.quirks?.ignoresLimits) out.push({ kind: 'evse-max', evseId: a.evseId, currentA: a.currentA, maxA });
    }
    if (a.unit === 'W') {
      const perA = v * (a.evsePhases.length || evse.phases) * (evse.kind === 'DC' ? (evse.dcEfficiency ?? DEFAULT_DC_EFFICIENCY) : 1);
      if (a.limit > a.currentA * perA + TOLERANCE) out.push({ kind: 'reservation', evseId: a.evseId, message: `${a.limit} W is more than ${a.currentA} A` });
    } else if (a.limit > a.currentA + TOLERANCE) {
      out.push({ kind: 'reservation', evseId: a.evseId, message: `${a.limit} A is more than ${a.currentA} A` });
    }
  }
  out.push(...circuits.over());
  return out;
}

type CircuitViolation = Extract<Violation, { kind: 'circuit' }>;

/**
 * What the EVSEs' reservations and the other loads put on every circuit (each EVSE counts on its circuit and
 * every one above it, per grid phase through its rotation, and in watts), against the limit in force at
 * `state.now` minus the margin. Allocations can be added and taken away again, so that a caller trying many
 * small changes (applicableIncreases) need not sum the whole site for each.
 */
export class CircuitTotals {
  private readonly site: SiteModel;
  private readonly siteV: number;
  private readonly evseById: Map<string, EvseModel>;
  private readonly circuitById: Map<string, SiteModel['circuits'][number]>;
  private readonly chains = new Map<string, string[]>();
  private readonly totals: Map<string, { amps: number[]; watts: number }>;
  private readonly allowed: Map<string, { amps: number[]; watts: number }>;

  constructor(site: SiteModel, state: SiteState, evses: readonly EvseAllocation[]) {
    this.site = site;
    this.siteV = site.voltageV ?? DEFAULT_VOLTAGE_V;
    this.evseById = new Map(site.evses.map((e) => [e.id, e]));
    this.circuitById = new Map(site.circuits.map((c) => [c.id, c]));
    this.totals = new Map(site.circuits.map((c) => [c.id, { amps: [0, 0, 0], watts: 0 }]));
    for (const a of evses) this.add(a, 1);
    const settings = settingsOf(site);
    const loads = latestLoads(state.loads);
    for (const c of site.circuits) {
      const load = resolveLoad(c, loads.get(c.id), state.now, settings.meterStaleAfterS).loadA;
      for (const id of this.ancestors(c.id)) {
        const t = this.totals.get(id)!;
        for (let p = 0; p < 3; p++) {
          t.amps[p]! += load[p]!;
          t.watts += load[p]! * this.siteV;
        }
      }
    }
    const overrides = new Map((state.limitOverrides ?? []).map((o) => [o.circuitId, o]));
    this.allowed = new Map(
      site.circuits.map((c) => {
        const limit = circuitLimitOver(c, state.now, state.now, site.timeZone, overrides.get(c.id));
        const margin = c.marginA ?? 0;
        return [c.id, { amps: limit.limitA.map((a) => a - margin), watts: limit.maxPowerW - margin * 3 * this.siteV }];
      }),
    );
  }

  /** Adds (1) or takes away (-1) an allocation's reservation; returns the circuits it counts on. */
  add(a: EvseAllocation, sign: 1 | -1): readonly string[] {
    const evse = this.evseById.get(a.evseId);
    if (!evse) return [];
    const v = evse.voltageV ?? this.siteV;
    const wiring = gridPhasesOf(evse);
    const chain = this.ancestors(evse.circuitId);
    for (const id of chain) {
      const t = this.totals.get(id)!;
      for (const i of a.evsePhases) t.amps[wiring[i]!]! += sign * a.reservedA;
      t.watts += sign * a.reservedA * v * a.evsePhases.length;
    }
    return chain;
  }

  /** The circuits over their limit (all, or those in `only`), in the site's order. */
  over(only?: ReadonlySet<string>): CircuitViolation[] {
    const out: CircuitViolation[] = [];
    for (const c of this.site.circuits) {
      if (only && !only.has(c.id)) continue;
      const t = this.totals.get(c.id)!;
      const allowed = this.allowed.get(c.id)!;
      for (let p = 0; p < 3; p++) {
        if (t.amps[p]! > allowed.amps[p]! + TOLERANCE && t.amps[p]! > 0) out.push({ kind: 'circuit', circuit: c.id, phase: PHASES[p]!, total: t.amps[p]!, allowed: allowed.amps[p]! });
      }
      if (t.watts > allowed.watts + 1e-3 && t.watts > 0) out.push({ kind: 'circuit', circuit: c.id, phase: 'power', total: t.watts, allowed: allowed.watts });
    }
    return out;
  }

  private ancestors(id: string): string[] {
    let chain = this.chains.get(id);
    if (!chain) {
      chain = [];
      for (let c = this.circuitById.get(id); c; c = c.parentId === undefined ? undefined : this.circuitById.get(c.parentId)) chain.push(c.id);
      this.chains.set(id, chain);
    }
    return chain;
  }
}
