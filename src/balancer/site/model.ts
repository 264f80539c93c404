import type { BalancerSettings, PerPhase, Phase } from '../core/index.ts';
import type { RegisterMap } from '../meter/register-maps.ts';

/** Days 0 (Sunday) … 6 in the site's time zone (every day when left out) and local times 'HH:MM' ('24:00' ends a day). */
export interface TimeWindow {
  days?: number[];
  from: string;
  to: string;
}

export interface CircuitLimitWindow extends TimeWindow {
  limitA?: number | PerPhase;
  maxPowerKw?: number;
}

export interface ModbusSource {
  host: string;
  port: number;
  unitId: number;
  /** A known meter's register map; `registers` overrides it. */
  preset?: string;
  registers?: RegisterMap;
  pollSeconds: number;
  timeoutMs: number;
}

/** Where a circuit's measured load comes from. */
export interface MeterSource {
  kind: 'push' | 'modbus';
  /**
   * `non-charger`: the meter sees only load that is not Ampyard's chargers (a building feeder). `total`: it sees
   * everything below the circuit (e.g. the grid connection); the chargers' measured draw is subtracted.
   */
  measures: 'non-charger' | 'total';
  /** A reading older than this counts as silence: the circuit's `fallbackLoadA` (worst case) is assumed. */
  staleAfterSeconds: number;
  modbus?: ModbusSource;
}

/** A limit imposed for now (grid operator signal, derated feeder); the lower of it and the circuit's limit counts. */
export interface LimitOverride {
  limitA?: number | PerPhase;
  maxPowerKw?: number;
  until: string | null;
  setAt: string;
}

export interface Circuit {
  id: string;
  name: string;
  /** Null for a root: a grid connection. */
  parentId: string | null;
  limitA: number | PerPhase;
  maxPowerKw: number | null;
  marginA: number;
  schedule: CircuitLimitWindow[];
  meter: MeterSource | null;
  /** Worst-case non-charger load while the meter is silent (or, without a meter, always). */
  fallbackLoadA: number | PerPhase | null;
  override: LimitOverride | null;
  createdAt: string;
  updatedAt: string;
}

export interface EvseElectrical {
  evseId: number;
  kind: 'AC' | 'DC';
  phases: 1 | 2 | 3;
  /** Grid phase each EVSE phase is wired to, in the EVSE's phase order. */
  rotation: Phase[];
  /** AC: lowest non-zero current (IEC 61851: 6 A unless set). */
  minCurrentA: number | null;
  maxCurrentA: number | null;
  maxPowerW: number | null;
  /** DC: lowest non-zero output power. */
  minPowerW: number | null;
  unit: 'A' | 'W';
  voltageV: number | null;
}

/** How a station deviates from OCPP smart charging as the balancer uses it. */
export interface BalancerQuirks {
  /** Accepts profiles at stack level 0 only. */
  stackLevel0Only: boolean;
  /** Lowest current it accepts, when above the EVSE minimum (e.g. 8 A). */
  minCurrentA: number | null;
  /** Resolution of the limits it takes, in A (1 for stations that refuse or truncate decimals); null: OCPP's 0.1 A. */
  stepA: number | null;
  /** Refuses TxProfile: allocations go out as per-EVSE TxDefaultProfile. */
  noTxProfile: boolean;
  /** Accepts only this charging-rate unit. */
  unitOnly: 'A' | 'W' | null;
  /** Does not follow limits at all: its maximum is reserved whatever it is told. */
  ignoresLimits: boolean;
}

export interface StationElectrical {
  stationId: string;
  circuitId: string;
  evses: EvseElectrical[];
  quirks: BalancerQuirks;
  createdAt: string;
  updatedAt: string;
}

export interface Departure {
  days: number[];
  /** Local time it leaves, 'HH:MM' or 'HH:MM:SS' (a fleet that knows the second: the deadline is not moved up to a minute early). */
  at: string;
  /** Local time it usually plugs in, 'HH:MM' (plans for it before it arrives when the vehicle has a home EVSE). */
  arriveAt?: string;
  targetSocPct?: number;
  targetEnergyKwh?: number;
}

export interface Vehicle {
  id: string;
  name: string;
  /** The id tokens (cards, keys) it charges with; a token belongs to one vehicle. */
  idTokens: string[];
  batteryKwh: number | null;
  maxChargeKw: number | null;
  phases: 1 | 2 | 3 | null;
  /** Higher first. */
  priority: number;
  departures: Departure[];
  /** Its usual charging spot. */
  home: { stationId: string; evseId: number } | null;
  createdAt: string;
  updatedAt: string;
}

export interface PriceWindow extends TimeWindow {
  price: number;
}

export interface DriverSettings {
  /** Events are gathered this long before a cycle (≤ 1 s). */
  debounceMs: number;
  /** A cycle runs at least this often. */
  cycleSeconds: number;
  /** How long a station has to answer a SetChargingProfile before the worst case is assumed. */
  commandTimeoutSeconds: number;
  /** After a reduction is acknowledged, the EV may take this long to follow (IEC 61851: 5 s). */
  followSeconds: number;
  /** The fail-safe profiles give a station more than its safe share only for this long; renewed at a third of it. */
  leaseSeconds: number;
  /** A station drawing over its limit longer than this is non-compliant: its peak is reserved, a warning raised. */
  overdrawToleranceSeconds: number;
}

export interface SiteConfig {
  /** Off: Ampyard sends no load-management profiles. */
  enabled: boolean;
  voltageV: number;
  timeZone: string;
  prices: { default: number | null; windows: PriceWindow[] };
  balancer: Partial<BalancerSettings>;
  driver: DriverSettings;
  updatedAt: string | null;
}

export const DEFAULT_DRIVER: DriverSettings = {
  debounceMs: 250,
  cycleSeconds: 5,
  commandTimeoutSeconds: 10,
  followSeconds: 5,
  leaseSeconds: 120,
  overdrawToleranceSeconds: 30,
};

export const DEFAULT_CONFIG: SiteConfig = {
  enabled: true,
  voltageV: 230,
  timeZone: 'UTC',
  prices: { default: null, windows: [] },
  balancer: {},
  driver: DEFAULT_DRIVER,
  updatedAt: null,
};

export const DEFAULT_QUIRKS: BalancerQuirks = { stackLevel0Only: false, minCurrentA: null, stepA: null, noTxProfile: false, unitOnly: null, ignoresLimits: false };

export const DEFAULT_ROTATION: Phase[] = ['L1', 'L2', 'L3'];

/** What a station's EVSE is when nobody described it: AC, three phases, 32 A, as the station accepts. */
export function defaultEvse(evseId: number, unit: 'A' | 'W' = 'A'): EvseElectrical {
  return { evseId, kind: 'AC', phases: 3, rotation: DEFAULT_ROTATION, minCurrentA: null, maxCurrentA: 32, maxPowerW: null, minPowerW: null, unit, voltageV: null };
}

export interface SiteSnapshot {
  circuits: Circuit[];
  stations: StationElectrical[];
  vehicles: Vehicle[];
  config: SiteConfig;
  /** Goes up with every change; derived models are rebuilt when it moves. */
  version: number;
}
