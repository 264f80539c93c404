/**
 * Types of the pure load-management core: the site model (stored, edited by the depot manager), the live
 * state (sessions, measurements, needs, prices, time) and the allocation it computes.
 * Units: currents in A (per phase), power in W unless the field says kW, energy in kWh, times in ms since the epoch.
 */

export type Phase = 'L1' | 'L2' | 'L3';
/** Values for grid phases L1, L2, L3 (or, where a field says so, for an EVSE's own phases 1..3). */
export type PerPhase = [number, number, number];
export type ChargeRateUnit = 'A' | 'W';

export interface LimitScheduleEntry {
  /** Days it applies in the site's time zone, 0 = Sunday … 6 = Saturday; every day when left out. */
  days?: number[];
  /** Minutes after local midnight, from inclusive to exclusive; `to` below `from` wraps past midnight. */
  fromMinute: number;
  toMinute: number;
  /** The per-phase limit while the entry applies (the lower of this and the circuit's own limit counts). */
  limitA?: number | PerPhase;
  maxPowerKw?: number;
}

export interface CircuitModel {
  id: string;
  /** Left out for the root (the grid connection); every other circuit names its parent. */
  parentId?: string;
  /** Per-phase current limit, one number for all three phases or one per phase. */
  limitA: number | PerPhase;
  /** Optional limit on the sum of the three phases' power (unity power factor assumed). */
  maxPowerKw?: number;
  /** Kept free on every phase (and, times 3 × voltage, of the power limit). Default 0. */
  marginA?: number;
  /** Time-of-day limits (contracted capacity, peak shaving). */
  schedule?: LimitScheduleEntry[];
  /** A meter measures the non-charger load here; when it is missing or silent, `fallbackLoadA` is assumed. */
  metered?: boolean;
  /** Worst-case non-charger load assumed while the meter is silent (or, without a meter, always). */
  fallbackLoadA?: number | PerPhase;
}

export interface EvseQuirks {
  /** Lowest current the station accepts, when above the EVSE minimum (e.g. 8 A). */
  minCurrentA?: number;
  /** Resolution the station accepts in A (default 0.1, OCPP's one decimal). */
  stepA?: number;
  /** Resolution in W for W-unit stations (default 1). */
  stepW?: number;
  /** The station does not follow limits: the core reserves its maximum whatever it commands. */
  ignoresLimits?: boolean;
}

export interface EvseModel {
  id: string;
  circuitId: string;
  kind: 'AC' | 'DC';
  /** Phases wired to the EVSE (for DC: of its AC input, normally 3). */
  phases: 1 | 2 | 3;
  /** Grid phase each EVSE phase is wired to, in the EVSE's phase order; default L1, L2, L3 from the first. */
  rotation?: Phase[];
  /** AC: lowest non-zero current per phase (IEC 61851: 6 A, the default). DC: see `minPowerW`. */
  minCurrentA?: number;
  /** AC: highest current per phase. */
  maxCurrentA?: number;
  /** AC or DC output power limit of the EVSE. */
  maxPowerW?: number;
  /** DC: lowest non-zero output power (default 0). */
  minPowerW?: number;
  /** The charging-rate unit the station accepts. */
  unit: ChargeRateUnit;
  /** Phase-to-neutral voltage, default the site's. */
  voltageV?: number;
  /** DC: output power / AC input power, default 0.95. */
  dcEfficiency?: number;
  quirks?: EvseQuirks;
}

export interface BalancerSettings {
  /** A building-load measurement older than this is treated as a silent meter. */
  meterStaleAfterS: number;
  /** Planning slot length and horizon for deadlines and prices. */
  slotMinutes: number;
  horizonHours: number;
  /** Scheduled limit drops this far ahead already apply now, so reductions are in place in time. */
  limitLookAheadS: number;
  /** When capacity is short, a running session keeps its place at least this long before it rotates out. */
  rotationPeriodS: number;
  /** A car that draws less than allocated is capped to its draw + headroom (taking the headroom uncaps it); one that
   * draws nothing is paused and every probe interval given its minimum for the probe duration. */
  underuseThresholdA: number;
  underuseHeadroomA: number;
  probeIntervalS: number;
  probeDurationS: number;
  /** Time a car needs to follow a raised limit before its measured draw counts. */
  settleS: number;
  /** A car measured above its limit by more than this is reserved at its measured draw. */
  overdrawToleranceA: number;
  /** Prices within this of the cheapest count as the cheapest. */
  priceEpsilon: number;
  /** Share of each future slot's capacity a car may not count on when it waits for cheaper hours (others will arrive). */
  futureReserve: number;
  /** A deadline needing less than the minimum now takes turns with sessions without one while it has this much time to spare. */
  waitLaxityS: number;
  /** The deadline plan is kept this long (within its slot) unless sessions, needs, departures or limits change. */
  replanS: number;
}

export interface SiteModel {
  circuits: CircuitModel[];
  evses: EvseModel[];
  /** Phase-to-neutral voltage, default 230. */
  voltageV?: number;
  /** IANA time zone of the time-of-day schedules, default UTC. */
  timeZone?: string;
  settings?: Partial<BalancerSettings>;
}

export interface VehicleNeed {
  /** When the vehicle leaves; with an energy need, the core plans to be done by then. */
  departureAt?: number;
  /** Energy to deliver in this session in total (counted against the session's energy so far). */
  energyKwh?: number;
  /** Target and latest state of charge with the battery size: the remaining need, preferred over `energyKwh`. */
  socPct?: number;
  targetSocPct?: number;
  batteryKwh?: number;
  /** Highest charge power (AC: at the EVSE; DC: output) and current per phase the car takes. */
  maxPowerW?: number;
  maxCurrentA?: number;
  /** Phases the car charges on (a 1-phase car on a 3-phase EVSE uses the EVSE's first phase). */
  phases?: 1 | 2 | 3;
  /** Higher first; default 0. */
  priority?: number;
}

export interface SessionState {
  evseId: string;
  sessionId: string;
  vehicleId?: string;
  startedAt: number;
  /** Energy delivered in this session so far. */
  energyKwh: number;
  /** Measured current per EVSE phase (the station's own L1, L2, L3), and when. */
  measuredA?: PerPhase;
  measuredAt?: number;
  /** The per-phase current (AC equivalent for DC) last applied at the station, and when it was applied. */
  lastAllocation?: { currentA: number; at: number };
  /** Set to override the core's own detection of a car drawing less than allocated. */
  drawsLess?: boolean;
  /** Per-phase current it may draw whatever it is told (a station that ignores limits, a reduction not confirmed,
   * a station out of reach, a silent meter): reserved on every EVSE phase and not raised while it is set. */
  assumedDrawA?: number;
  need?: VehicleNeed;
}

export interface LoadMeasurement {
  circuitId: string;
  /** Non-charger load per grid phase. */
  currentA: PerPhase;
  measuredAt: number;
}

export interface LimitOverride {
  circuitId: string;
  limitA?: number | PerPhase;
  maxPowerKw?: number;
  /** When it ends (ms), if known (a grid-operator signal with a duration): the planner counts on the limit after it. */
  until?: number;
}

export interface PriceSlot {
  from: number;
  to: number;
  /** Any currency per kWh; only the order matters. */
  price: number;
}

/** What the core remembers between cycles; pass the last result's memory back in. */
export interface SessionMemory {
  runningSince?: number;
  pausedSince?: number;
  /** Last time the allocation went up by more than the underuse threshold. */
  raisedAt?: number;
  lastA?: number;
  /** The limit applied at the station (as reported in `lastAllocation`), since when, and the one before it. */
  appliedA?: number;
  appliedAt?: number;
  appliedBeforeA?: number;
  /** EVSE phases the car was seen drawing on (indices). */
  carPhases?: number[];
  /** Cap while the car draws less than it is given (its draw + headroom). */
  capA?: number;
  /** Paused because it drew nothing; probed with its minimum from `nextProbeAt` until `probeUntil`. */
  idle?: boolean;
  nextProbeAt?: number;
  probeUntil?: number;
}

/** The last deadline plan, per session, and what it was made for. */
export interface PlanMemory {
  at: number;
  key: string;
  /** How it was made: waiting for cheap hours, spread evenly, or as soon as possible (some deadline was short). */
  mode?: 'cheap' | 'even' | 'asap';
  sessions: Record<string, { nowA: number; shortfallKwh: number; projectedReadyAt: number | null; cheapestNow: boolean; cheaperFrom: number | null; laxityS: number; minNowA?: number }>;
}

export interface BalancerMemory {
  sessions: Record<string, SessionMemory>;
  plan?: PlanMemory;
}

/** A fleet vehicle not plugged in yet, from the fleet's schedule: planned for, so cheap hours are not promised twice. */
export interface ExpectedVehicle {
  vehicleId: string;
  /** Where it will charge (its usual spot). */
  evseId: string;
  arriveAt: number;
  need: VehicleNeed & { departureAt: number };
}

export interface SiteState {
  now: number;
  sessions: SessionState[];
  expected?: ExpectedVehicle[];
  loads?: LoadMeasurement[];
  /** Limits imposed right now (grid operator signal, derated feeder); the lower limit counts. */
  limitOverrides?: LimitOverride[];
  prices?: PriceSlot[];
  memory?: BalancerMemory;
}

export type CircuitConstraint = Phase | 'power';

/** Why an EVSE got what it got. */
export type Binding =
  | { kind: 'circuit'; circuit: string; phase: CircuitConstraint; utilisation: number }
  | { kind: 'evse-max' }
  | { kind: 'vehicle-max' }
  | { kind: 'unused'; probeAt: number }
  | { kind: 'price'; cheaperFrom: number | null }
  | { kind: 'target-reached' }
  | { kind: 'paused-priority'; circuit: string; phase: CircuitConstraint }
  | { kind: 'paused-min-current'; circuit: string; phase: CircuitConstraint }
  | { kind: 'deadline'; circuit: string; phase: CircuitConstraint }
  | { kind: 'overdraw'; measuredA: number }
  | { kind: 'uncontrolled' }
  | { kind: 'assumed-draw'; drawA: number }
  | { kind: 'unknown-evse' };

export interface EvseAllocation {
  evseId: string;
  sessionId: string;
  /** Per-phase current to command (AC equivalent input current for DC); 0 = paused. */
  currentA: number;
  /** The value to send and its unit (W for DC or W-unit stations, computed so it never exceeds `currentA`). */
  limit: number;
  unit: ChargeRateUnit;
  /** Number of phases to put in the profile. */
  phasesToUse: number;
  /** EVSE phases (indices) counted against the circuits, and the per-phase current counted on each. */
  evsePhases: number[];
  reservedA: number;
  /** The reservation per grid phase, after rotation. */
  gridA: PerPhase;
  binding: Binding;
  /** Remaining need, when known. */
  needKwh: number | null;
  projectedReadyAt: number | null;
  atRisk: { shortfallKwh: number } | null;
}

export interface CircuitUsage {
  circuitId: string;
  /** Limit in force (after schedule and overrides, looking ahead), margin, non-charger load, allocations. */
  limitA: PerPhase;
  marginA: number;
  loadA: PerPhase;
  loadStale: boolean;
  allocatedA: PerPhase;
  /** (allocated + load) / (limit − margin) per phase. */
  utilisation: PerPhase;
  maxPowerKw: number | null;
  powerKw: number;
}

export interface AllocationResult {
  at: number;
  evses: EvseAllocation[];
  circuits: CircuitUsage[];
  memory: BalancerMemory;
}
