import { latestLoads, resolveLoad } from './loads.ts';
import { gridPhasesOf, PHASES } from './phases.ts';
import { circuitLimitOver } from './schedule.ts';
import { DEFAULT_DC_EFFICIENCY, DEFAULT_VOLTAGE_V, IEC_MIN_CURRENT_A, settingsOf } from './settings.ts';
import type { AllocationResult, CircuitConstraint, EvseModel, SiteModel, SiteState } from './types.ts';

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
  const settings = settingsOf(site);
  const siteV = site.voltageV ?? DEFAULT_VOLTAGE_V;
  const circuitById = new Map(site.circuits.map((c) => [c.id, c]));
  const evseById = new Map(site.evses.map((e) => [e.id, e]));
  const totals = new Map(site.circuits.map((c) => [c.id, { amps: [0, 0, 0], watts: 0 }]));
  const ancestors = (id: string): string[] => {
    const chain: string[] = [];
    for (let c = circuitById.get(id); c; c = c.parentId === undefined ? undefined : circuitById.get(c.parentId)) chain.push(c.id);
    return chain;
  };

  for (const a of result.evses) {
    const evse = evseById.get(a.evseId);
    if (!evse) {
      if (a.currentA !== 0) out.push({ kind: 'reservation', evseId: a.evseId, message: 'allocation for an unknown EVSE' });
      continue;
    }
    const v = evse.voltageV ?? siteV;
    const wiring = gridPhasesOf(evse);
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
    for (const id of ancestors(evse.circuitId)) {
      const t = totals.get(id)!;
      for (const i of a.evsePhases) t.amps[wiring[i]!]! += a.reservedA;
      t.watts += a.reservedA * v * a.evsePhases.length;
    }
  }

  const loads = latestLoads(state.loads);
  for (const c of site.circuits) {
    const load = resolveLoad(c, loads.get(c.id), state.now, settings.meterStaleAfterS).loadA;
    for (const id of ancestors(c.id)) {
      const t = totals.get(id)!;
      for (let p = 0; p < 3; p++) {
        t.amps[p]! += load[p]!;
        t.watts += load[p]! * siteV;
      }
    }
  }
  const overrides = new Map((state.limitOverrides ?? []).map((o) => [o.circuitId, o]));
  for (const c of site.circuits) {
    const limit = circuitLimitOver(c, state.now, state.now, site.timeZone, overrides.get(c.id));
    const margin = c.marginA ?? 0;
    const t = totals.get(c.id)!;
    for (let p = 0; p < 3; p++) {
      const allowed = limit.limitA[p]! - margin;
      if (t.amps[p]! > allowed + TOLERANCE && t.amps[p]! > 0) out.push({ kind: 'circuit', circuit: c.id, phase: PHASES[p]!, total: t.amps[p]!, allowed });
    }
    const allowedW = limit.maxPowerW - margin * 3 * siteV;
    if (t.watts > allowedW + 1e-3 && t.watts > 0) out.push({ kind: 'circuit', circuit: c.id, phase: 'power', total: t.watts, allowed: allowedW });
  }
  return out;
}
