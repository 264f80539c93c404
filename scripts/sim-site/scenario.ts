import type { LimitOverride, PerPhase, PriceSlot, SiteModel } from '../../src/balancer/core/types.ts';

/** How a car follows the limit its station signals. */
export type CarBehaviour = { kind: 'obeys' } | { kind: 'delayed'; delayS: number } | { kind: 'ignores' };

export interface CarSpec {
  id: string;
  evseId: string;
  /** Seconds from the scenario start. */
  arriveS: number;
  departS: number;
  batteryKwh: number;
  socPct: number;
  targetSocPct: number;
  /** AC: on-board charger power; DC: the car's peak DC power. */
  maxPowerW: number;
  /** Phases of the on-board charger (AC); a 1-phase car uses the EVSE's first phase. */
  phases: 1 | 2 | 3;
  /** Whether the fleet tells the controller when the car leaves and how much it needs (a fleet vehicle). */
  fleet: boolean;
  /** Whether the controller is told the car's phases (else it has to see them in the measurements). */
  phasesDeclared: boolean;
  priority: number;
  behaviour: CarBehaviour;
}

export interface LimitEvent {
  atS: number;
  override: LimitOverride | { circuitId: string; clear: true };
}

export interface MeterOutage {
  circuitId: string;
  fromS: number;
  toS: number;
}

export interface Scenario {
  name: string;
  description: string;
  site: SiteModel;
  /** Start of the scenario (ms since the epoch) and its length. */
  start: number;
  durationS: number;
  cars: CarSpec[];
  /** True non-charger load per grid phase at a circuit, at second t (metered circuits report it). */
  buildingLoad: Array<{ circuitId: string; at: (t: number) => PerPhase }>;
  prices?: PriceSlot[];
  limitEvents?: LimitEvent[];
  meterOutages?: MeterOutage[];
  /** Controller cycle (it also runs on every event), meter and station reporting periods. */
  cycleS: number;
  meterPeriodS: number;
  stationMeterPeriodS: number;
  /** Time a driver waits after sending reductions before it sends increases (IEC 61851-1 gives an EV 5 s). */
  increaseDelayS: number;
  /** Whether the controller is told the fleet's schedule (vehicles expected later, where, when, needing what). */
  fleetSchedule?: boolean;
  /** Slot length of the offline optimum. */
  optimumSlotS: number;
}
