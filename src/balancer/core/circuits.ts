import { latestLoads, resolveLoad } from './loads.ts';
import { circuitLimitOver } from './schedule.ts';
import type { BalancerSettings, CircuitModel, EvseModel, PerPhase, SiteModel, SiteState } from './types.ts';

/** Constraint index of circuit c: 4c + phase (0..2, in A) or 4c + 3 (power, in W). */
export const POWER = 3;

export interface CircuitTree {
  circuits: CircuitModel[];
  /** Id and parent of each circuit when compiled, to notice a model changed in place. */
  shape: string[];
  index: Map<string, number>;
  parent: Int32Array;
  /** Circuit indices from each circuit up to the root, itself first. */
  paths: number[][];
  voltageV: number;
  /** Constraint lists of EVSEs by wiring, per set of power-limited circuits, reused between cycles. */
  wiringCaches: Map<string, Map<EvseModel, Array<{ circuitId: string; constraints: number[]; coefs: number[] } | undefined>>>;
}

const trees = new WeakMap<SiteModel, CircuitTree>();

/** The compiled tree of a site model, kept per model object and rebuilt when its shape changed. */
export function treeOf(site: SiteModel, voltageV: number): CircuitTree {
  const known = trees.get(site);
  if (known && known.voltageV === voltageV && known.circuits === site.circuits && known.shape.length === site.circuits.length
    && site.circuits.every((c, i) => known.shape[i] === `${c.id}\u0000${c.parentId ?? ''}`)) return known;
  const tree = buildTree(site, voltageV);
  trees.set(site, tree);
  return tree;
}

export function buildTree(site: SiteModel, voltageV: number): CircuitTree {
  const circuits = site.circuits;
  const index = new Map<string, number>();
  circuits.forEach((c, i) => {
    if (index.has(c.id)) throw new Error(`circuit ${c.id} is defined twice`);
    index.set(c.id, i);
  });
  const parent = new Int32Array(circuits.length).fill(-1);
  circuits.forEach((c, i) => {
    if (c.parentId === undefined) return;
    const p = index.get(c.parentId);
    if (p === undefined) throw new Error(`circuit ${c.id} names an unknown parent ${c.parentId}`);
    parent[i] = p;
  });
  const paths = circuits.map((c, i) => {
    const path = [i];
    for (let p = parent[i]!; p >= 0; p = parent[p]!) {
      if (path.length > circuits.length) throw new Error(`circuit ${c.id} is part of a loop`);
      path.push(p);
    }
    return path;
  });
  const shape = circuits.map((c) => `${c.id}\u0000${c.parentId ?? ''}`);
  return { circuits, shape, index, parent, paths, voltageV, wiringCaches: new Map() };
}

export interface Capacities {
  /** Limit in force per circuit and phase (3 per circuit) and power limit in W (Infinity when none). */
  limitA: Float64Array;
  maxPowerW: Float64Array;
  /** Non-charger load counted at each circuit itself (3 per circuit), and whether its meter is silent. */
  ownLoadA: Float64Array;
  loadStale: boolean[];
  /** Non-charger load in each circuit's subtree. */
  subtreeLoadA: Float64Array;
  /** What chargers may use per constraint (4 per circuit, see POWER). */
  capacity: Float64Array;
}

export function capacitiesOver(tree: CircuitTree, state: SiteState, settings: BalancerSettings, from: number, to: number, timeZone: string | undefined): Capacities {
  const n = tree.circuits.length;
  const limitA = new Float64Array(n * 3);
  const maxPowerW = new Float64Array(n);
  const ownLoadA = new Float64Array(n * 3);
  const subtreeLoadA = new Float64Array(n * 3);
  const loadStale: boolean[] = new Array(n).fill(false);
  const overrides = new Map((state.limitOverrides ?? []).map((o) => [o.circuitId, o]));
  const measured = latestLoads(state.loads);
  for (let c = 0; c < n; c++) {
    const circuit = tree.circuits[c]!;
    const limit = circuitLimitOver(circuit, from, to, timeZone, overrides.get(circuit.id));
    limitA.set(limit.limitA, c * 3);
    maxPowerW[c] = limit.maxPowerW;
    const load = resolveLoad(circuit, measured.get(circuit.id), state.now, settings.meterStaleAfterS);
    ownLoadA.set(load.loadA, c * 3);
    loadStale[c] = load.stale;
    for (const a of tree.paths[c]!) for (let p = 0; p < 3; p++) subtreeLoadA[a * 3 + p]! += load.loadA[p]!;
  }
  const capacity = new Float64Array(n * 4);
  for (let c = 0; c < n; c++) {
    const margin = tree.circuits[c]!.marginA ?? 0;
    let loadW = 0;
    for (let p = 0; p < 3; p++) {
      capacity[c * 4 + p] = limitA[c * 3 + p]! - margin - subtreeLoadA[c * 3 + p]!;
      loadW += subtreeLoadA[c * 3 + p]! * tree.voltageV;
    }
    capacity[c * 4 + POWER] = maxPowerW[c]! - margin * 3 * tree.voltageV - loadW;
  }
  return { limitA, maxPowerW, ownLoadA, loadStale, subtreeLoadA, capacity };
}

export const perPhaseAt = (values: Float64Array, c: number): PerPhase => [values[c * 3]!, values[c * 3 + 1]!, values[c * 3 + 2]!];
