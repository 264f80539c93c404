import { perPhase, rotationProblems } from './phases.ts';
import type { SiteModel } from './types.ts';

/** What is wrong with a site model, one message per problem (empty: `allocate` can use it). For the REST API. */
export function siteProblems(site: SiteModel): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const c of site.circuits) {
    if (ids.has(c.id)) out.push(`circuit ${c.id} is defined twice`);
    ids.add(c.id);
    if (perPhase(c.limitA).some((a) => !(a >= 0))) out.push(`circuit ${c.id}: limitA must be at least 0`);
    if (c.marginA !== undefined && !(c.marginA >= 0)) out.push(`circuit ${c.id}: marginA must be at least 0`);
    if (c.maxPowerKw !== undefined && !(c.maxPowerKw >= 0)) out.push(`circuit ${c.id}: maxPowerKw must be at least 0`);
    for (const e of c.schedule ?? []) {
      if (!(e.fromMinute >= 0 && e.fromMinute < 1440 && e.toMinute >= 0 && e.toMinute <= 1440)) out.push(`circuit ${c.id}: schedule minutes must be within a day`);
      if (e.days?.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) out.push(`circuit ${c.id}: schedule days are 0 (Sunday) to 6`);
    }
  }
  const byId = new Map(site.circuits.map((c) => [c.id, c]));
  const roots = site.circuits.filter((c) => c.parentId === undefined);
  if (site.circuits.length && roots.length === 0) out.push('no root circuit (the grid connection has no parentId)');
  for (const c of site.circuits) {
    if (c.parentId !== undefined && !byId.has(c.parentId)) out.push(`circuit ${c.id} names an unknown parent ${c.parentId}`);
    const seen = new Set<string>();
    for (let cur = c; cur.parentId !== undefined && byId.has(cur.parentId); cur = byId.get(cur.parentId)!) {
      if (seen.has(cur.id)) {
        out.push(`circuit ${c.id} is part of a loop`);
        break;
      }
      seen.add(cur.id);
    }
  }
  const evseIds = new Set<string>();
  for (const e of site.evses) {
    if (evseIds.has(e.id)) out.push(`EVSE ${e.id} is defined twice`);
    evseIds.add(e.id);
    if (!byId.has(e.circuitId)) out.push(`EVSE ${e.id} is on an unknown circuit ${e.circuitId}`);
    out.push(...rotationProblems(e));
    const min = Math.max(e.minCurrentA ?? 6, e.quirks?.minCurrentA ?? 0);
    if (e.kind === 'AC' && e.maxCurrentA !== undefined && e.maxCurrentA < min) out.push(`EVSE ${e.id}: maxCurrentA ${e.maxCurrentA} is below its minimum ${min}`);
    if (e.kind === 'DC' && e.dcEfficiency !== undefined && !(e.dcEfficiency > 0 && e.dcEfficiency <= 1)) out.push(`EVSE ${e.id}: dcEfficiency must be in (0, 1]`);
  }
  return out;
}
