import type { CircuitUsage, PerPhase, Phase } from '../core/index.ts';
import type { MeterReadings } from '../meter/meter-readings.ts';
import type { Circuit, EvseElectrical, SiteSnapshot } from '../site/model.ts';
import { evseKey } from '../site/to-core.ts';

/** What the site draws from the grid now, against the grid limit in force. */
export interface SitePowerNow {
  at: number;
  /** Chargers plus measured building load. */
  powerW: number;
  chargersW: number;
  /** Current per grid phase (chargers plus building load). */
  phaseA: PerPhase;
  /** Grid limit per phase: the root circuits' limits in force, else the site setting; null when none is set. */
  limitA: PerPhase | null;
  limitW: number | null;
  /** Non-charger load measured by the root circuits' meters; null without a fresh meter reading. */
  buildingW: number | null;
}

/** As the API and the `site.power` event carry it. */
export function sitePowerJson(s: SitePowerNow) {
  return { ...s, at: new Date(s.at).toISOString() };
}

/** One charging session's latest measurement. */
export interface ChargerDraw {
  stationId: string;
  evseId: number;
  powerW: number | null;
  /** Per EVSE phase. */
  currentA: PerPhase | null;
}

export interface SitePowerInputs {
  now: number;
  snapshot: SiteSnapshot;
  chargers: ChargerDraw[];
  meters: MeterReadings;
  /** The root circuits' usage in the balancer's last cycle (their limits after schedule and overrides). */
  usage: CircuitUsage[];
  /** The site setting, used when no circuit is configured. */
  gridLimitA: number | null;
}

const PHASES: Phase[] = ['L1', 'L2', 'L3'];
const perPhase = (x: number | PerPhase): PerPhase => (typeof x === 'number' ? [x, x, x] : [...x]);
const sum = (p: PerPhase) => p[0] + p[1] + p[2];
const add = (a: PerPhase, b: PerPhase): PerPhase => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
/** The grid phase an EVSE's phase `i` is wired to (its rotation; unknown EVSEs are wired straight). */
const gridPhase = (evse: EvseElectrical | undefined, i: number): number => PHASES.indexOf(evse?.rotation[i] ?? PHASES[i]!);

/**
 * Site power from the stations' own meter values (per grid phase, through the site model's wiring when the station
 * is in it) plus the building load the grid-connection meters see. Without circuits the site is its chargers.
 */
export function sitePowerNow(input: SitePowerInputs): SitePowerNow {
  const { snapshot, now } = input;
  const voltage = snapshot.config.voltageV;
  const roots = snapshot.circuits.filter((c) => c.parentId === null);
  const stationCircuit = new Map(snapshot.stations.map((s) => [s.stationId, s.circuitId]));
  const parent = new Map(snapshot.circuits.map((c) => [c.id, c.parentId]));
  // Looked up once per running session, thousands of them every few seconds.
  const evses = new Map(snapshot.stations.flatMap((s) => s.evses.map((e) => [evseKey(s.stationId, e.evseId), e] as const)));
  const rootOf = (circuitId: string | undefined) => {
    let c = circuitId;
    for (let n = 0; c !== undefined && n < 1000 && parent.get(c); n++) c = parent.get(c) ?? undefined;
    return c ?? (roots.length === 1 ? roots[0]!.id : undefined);
  };

  let chargersW = 0;
  let chargersA: PerPhase = [0, 0, 0];
  const chargersBelow = new Map<string, PerPhase>();
  for (const draw of input.chargers) {
    const evse = evses.get(evseKey(draw.stationId, draw.evseId));
    const phases = evse?.phases ?? 3;
    const grid: PerPhase = [0, 0, 0];
    if (draw.currentA) for (let i = 0; i < phases; i++) grid[gridPhase(evse, i)]! += draw.currentA[i]!;
    else if (draw.powerW !== null) for (let i = 0; i < phases; i++) grid[gridPhase(evse, i)]! += Math.max(0, draw.powerW) / (voltage * phases);
    chargersW += draw.powerW ?? sum(grid) * voltage;
    chargersA = add(chargersA, grid);
    const root = rootOf(stationCircuit.get(draw.stationId));
    if (root) chargersBelow.set(root, add(chargersBelow.get(root) ?? [0, 0, 0], grid));
  }

  let buildingA: PerPhase | null = null;
  for (const root of roots) {
    const load = buildingLoad(root, input.meters, now, chargersBelow.get(root.id) ?? [0, 0, 0]);
    if (load) buildingA = add(buildingA ?? [0, 0, 0], load);
  }
  const limit = roots.length ? gridLimit(roots, input.usage, voltage) : input.gridLimitA === null ? null : { a: perPhase(input.gridLimitA), w: null };
  const buildingW = buildingA === null ? null : sum(buildingA) * voltage;
  return {
    at: now,
    powerW: chargersW + (buildingW ?? 0),
    chargersW,
    phaseA: buildingA ? add(chargersA, buildingA) : chargersA,
    limitA: limit?.a ?? null,
    limitW: limit ? Math.min(sum(limit.a) * voltage, limit.w ?? Infinity) : null,
    buildingW,
  };
}

/** A fresh reading of the circuit's meter as non-charger load (a `total` meter less the chargers below it). */
function buildingLoad(circuit: Circuit, meters: MeterReadings, now: number, chargersA: PerPhase): PerPhase | null {
  const reading = circuit.meter ? meters.latest(circuit.id) : undefined;
  if (!circuit.meter || !reading || now - reading.measuredAt > circuit.meter.staleAfterSeconds * 1000) return null;
  const load = [...reading.currentA] as PerPhase;
  if (circuit.meter.measures === 'total') for (let p = 0; p < 3; p++) load[p] = Math.max(0, load[p]! - chargersA[p]!);
  return load;
}

/** The roots' limits in force as the balancer last saw them, else as configured (with an override, the lower). */
function gridLimit(roots: Circuit[], usage: CircuitUsage[], voltage: number): { a: PerPhase; w: number | null } {
  let a: PerPhase = [0, 0, 0];
  let w: number | null = 0;
  for (const root of roots) {
    const used = usage.find((u) => u.circuitId === root.id);
    let limit = used ? used.limitA : perPhase(root.limitA);
    if (!used && root.override?.limitA !== undefined) limit = perPhase(root.override.limitA).map((x, p) => Math.min(x, limit[p]!)) as PerPhase;
    a = add(a, limit);
    const kw = used ? used.maxPowerKw : root.maxPowerKw;
    w = w === null || kw === null ? null : w + kw * 1000;
  }
  return { a, w: w === null ? null : Math.min(w, sum(a) * voltage) };
}
