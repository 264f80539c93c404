// Calls for the load-management and fleet-vehicle pages (shapes as in src/balancer/site/model.ts and
// src/balancer/driver/explain.ts).
import { request } from './api.ts';

export type PerPhase = [number, number, number];
export type Phase = 'L1' | 'L2' | 'L3';

export type RegisterType = 'float32' | 'int32' | 'uint32' | 'int16' | 'uint16';

/** Where a meter keeps a value (0-based address); 32-bit values high word first unless said. */
export interface RegisterField {
  address: number;
  type: RegisterType;
  wordOrder?: 'high' | 'low';
  scale?: number;
}

/** A meter's register map: per-phase currents and, optionally, powers. */
export interface RegisterMap {
  table: 'input' | 'holding';
  currentA: RegisterField[];
  powerW?: RegisterField[];
}

export interface LimitWindow {
  days?: number[];
  from: string;
  to: string;
  limitA?: number | PerPhase;
  maxPowerKw?: number;
}

/** Where a circuit's measured load comes from (MeterSource in src/balancer/site/model.ts). */
export interface MeterSource {
  kind: 'push' | 'modbus';
  measures: 'non-charger' | 'total';
  staleAfterSeconds: number;
  modbus?: { host: string; port: number; unitId: number; preset?: string; registers?: RegisterMap; pollSeconds: number; timeoutMs: number };
}

export interface Circuit {
  id: string;
  name: string;
  parentId: string | null;
  limitA: number | PerPhase;
  maxPowerKw: number | null;
  marginA: number;
  schedule: LimitWindow[];
  meter: MeterSource | null;
  fallbackLoadA: number | PerPhase | null;
  override: { limitA?: number | PerPhase; maxPowerKw?: number; until: string | null; setAt: string } | null;
}

export interface EvseElectrical {
  evseId: number;
  kind: 'AC' | 'DC';
  phases: 1 | 2 | 3;
  rotation: Phase[];
  minCurrentA: number | null;
  maxCurrentA: number | null;
  maxPowerW: number | null;
  minPowerW: number | null;
  unit: 'A' | 'W';
  voltageV: number | null;
}

/** How a station deviates from OCPP smart charging (BalancerQuirks in src/balancer/site/model.ts). */
export interface BalancerQuirks {
  stackLevel0Only: boolean;
  minCurrentA: number | null;
  stepA: number | null;
  noTxProfile: boolean;
  unitOnly: 'A' | 'W' | null;
  ignoresLimits: boolean;
}

export interface StationElectrical {
  stationId: string;
  circuitId: string;
  evses: EvseElectrical[];
  quirks: BalancerQuirks;
}

export interface Departure {
  days: number[];
  at: string;
  arriveAt?: string;
  targetSocPct?: number;
  targetEnergyKwh?: number;
}

export interface Vehicle {
  id: string;
  name: string;
  idTokens: string[];
  batteryKwh: number | null;
  maxChargeKw: number | null;
  priority: number;
  departures: Departure[];
}

export interface PriceWindow {
  days?: number[];
  from: string;
  to: string;
  price: number;
}

export interface SiteConfig {
  enabled: boolean;
  voltageV: number;
  timeZone: string;
  /** Energy price per kWh in the site's currency: a default and time windows. */
  prices: { default: number | null; windows: PriceWindow[] };
  /** Planning settings that differ from the defaults. */
  balancer: Record<string, number>;
  /** The controller's settings in force. */
  driver: Record<string, number>;
  updatedAt: string | null;
}

export interface TuningDefaults {
  balancer: Record<string, number>;
  driver: Record<string, number>;
}

export interface SiteModel {
  circuits: Circuit[];
  stations: StationElectrical[];
  vehicles: Vehicle[];
  config: SiteConfig;
  problems: string[];
}

export interface CircuitLoad {
  id: string;
  name: string;
  parentId: string | null;
  /** Limit in force (schedule and override applied), per grid phase. */
  limitA: PerPhase;
  marginA: number;
  /** Non-charger (building) load. */
  loadA: PerPhase;
  loadStale: boolean;
  allocatedA: PerPhase;
  /** Chargers' measured draw plus the building load. */
  measuredA: PerPhase;
  utilisation: PerPhase;
  maxPowerKw: number | null;
  powerKw: number;
}

export interface EvseAllocation {
  stationId: string;
  evseId: number;
  transactionId: number;
  idToken: string | null;
  vehicle: { id: string; name: string } | null;
  allocation: { currentA: number; limit: number; unit: 'A' | 'W'; phasesToUse: number; perPhaseA: PerPhase };
  applied: { status: 'not-sent' | 'sending' | 'applied' | 'failed'; problem?: string | null };
  measuredA: number[] | null;
  reason: string;
  needKwh: number | null;
  deliveredKwh?: number;
  departureAt?: string | null;
  projectedReadyAt: string | null;
  atRisk: boolean;
  shortfallKwh: number;
}

export interface Allocations {
  at: string | null;
  enabled: boolean;
  planMode?: 'cheap' | 'even' | 'asap' | null;
  evses: EvseAllocation[];
  offline: { stationId: string | null; evseId: number | null; reservedA: number; reason: string }[];
  circuits: CircuitLoad[];
  problems: string[];
}

const enc = encodeURIComponent;
type Body = Record<string, unknown>;

export const fetchSite = () => request<SiteModel>('GET', '/site');
export const fetchAllocations = () => request<Allocations>('GET', '/site/allocations');
export const fetchTuningDefaults = () => request<TuningDefaults>('GET', '/site/config/defaults');
export const updateSiteConfig = (body: Body) => request<SiteConfig>('PATCH', '/site/config', { body });

export const createCircuit = (body: Body) => request<Circuit>('POST', '/site/circuits', { body });
export const updateCircuit = (id: string, body: Body) => request<Circuit>('PATCH', `/site/circuits/${enc(id)}`, { body });
export const deleteCircuit = (id: string) => request<void>('DELETE', `/site/circuits/${enc(id)}`);
export const setOverride = (id: string, body: Body) => request<Circuit>('PUT', `/site/circuits/${enc(id)}/override`, { body });
export const clearOverride = (id: string) => request<Circuit>('DELETE', `/site/circuits/${enc(id)}/override`);

/** The register maps of the meter models the server knows (GET /site/meters also gives the meters' state). */
export const fetchMeterPresets = async () => (await request<{ presets: Record<string, RegisterMap> }>('GET', '/site/meters')).presets;
export const setStationElectrical = (stationId: string, body: Body) => request<StationElectrical>('PUT', `/stations/${enc(stationId)}/electrical`, { body });
export const removeStationElectrical = (stationId: string) => request<void>('DELETE', `/stations/${enc(stationId)}/electrical`);

export const createVehicle = (body: Body) => request<Vehicle>('POST', '/site/vehicles', { body });
export const updateVehicle = (id: string, body: Body) => request<Vehicle>('PATCH', `/site/vehicles/${enc(id)}`, { body });
export const deleteVehicle = (id: string) => request<void>('DELETE', `/site/vehicles/${enc(id)}`);
