import { circuitLimitOver, type CircuitLimit } from '../../src/balancer/core/schedule.ts';
import type { LimitOverride, PerPhase } from '../../src/balancer/core/types.ts';
import type { CarSpec, LimitEvent, Scenario } from './scenario.ts';

/** What happens in one simulated second of a scenario. */
export interface SecondEvents {
  departing: CarSpec[];
  /** Cars that plug in (those leaving in the same second are left out). */
  arriving: CarSpec[];
  limitEvents: Array<LimitEvent['override']>;
  /** Site meter readings due (a meter in an outage reports nothing). */
  readings: Array<{ circuitId: string; currentA: PerPhase }>;
  /** Whether the stations report their meter values this second. */
  stationReport: boolean;
}

/**
 * A scenario's arrivals, departures, limit signals and meter readings, second by second (call `at` with t = 0, 1,
 * 2 …), and the limit of every circuit in force (its schedule and the signals so far; worked out again every
 * minute and on every signal).
 */
export class Timeline {
  readonly overrides = new Map<string, LimitOverride>();
  limits: CircuitLimit[];
  private readonly sc: Scenario;
  private readonly arrivals: CarSpec[];
  private readonly departures: CarSpec[];
  private readonly limitEvents: LimitEvent[];
  private nextArrival = 0;
  private nextDeparture = 0;
  private nextLimitEvent = 0;

  constructor(sc: Scenario) {
    this.sc = sc;
    this.arrivals = [...sc.cars].sort((a, b) => a.arriveS - b.arriveS);
    this.departures = [...sc.cars].sort((a, b) => a.departS - b.departS);
    this.limitEvents = [...(sc.limitEvents ?? [])].sort((a, b) => a.atS - b.atS);
    this.limits = this.limitsAt(0);
  }

  at(t: number): SecondEvents {
    const sc = this.sc;
    const out: SecondEvents = { departing: [], arriving: [], limitEvents: [], readings: [], stationReport: t % sc.stationMeterPeriodS === 0 };
    while (this.nextDeparture < this.departures.length && this.departures[this.nextDeparture]!.departS <= t) out.departing.push(this.departures[this.nextDeparture++]!);
    while (this.nextArrival < this.arrivals.length && this.arrivals[this.nextArrival]!.arriveS <= t) {
      const car = this.arrivals[this.nextArrival++]!;
      if (car.departS > t) out.arriving.push(car);
    }
    while (this.nextLimitEvent < this.limitEvents.length && this.limitEvents[this.nextLimitEvent]!.atS <= t) {
      const o = this.limitEvents[this.nextLimitEvent++]!.override;
      if ('clear' in o) this.overrides.delete(o.circuitId);
      else this.overrides.set(o.circuitId, o);
      out.limitEvents.push(o);
    }
    if (out.limitEvents.length || t % 60 === 0) this.limits = this.limitsAt(t);
    if (t % sc.meterPeriodS === 0) {
      for (const b of sc.buildingLoad) {
        if (sc.meterOutages?.some((o) => o.circuitId === b.circuitId && t >= o.fromS && t < o.toS)) continue;
        out.readings.push({ circuitId: b.circuitId, currentA: b.at(t) });
      }
    }
    return out;
  }

  private limitsAt(t: number): CircuitLimit[] {
    const { site, start } = this.sc;
    const now = start + t * 1000;
    return site.circuits.map((c) => circuitLimitOver(c, now, now, site.timeZone, this.overrides.get(c.id)));
  }
}
