import { gridPhasesOf } from '../../src/balancer/core/phases.ts';
import type { CircuitLimit } from '../../src/balancer/core/schedule.ts';
import type { PerPhase, SiteModel } from '../../src/balancer/core/types.ts';

/** Safety as measured: circuit-phase-seconds over the limit in force, the worst excess, seconds inside a margin. */
export interface Safety {
  violationSeconds: number;
  maxExcessA: number;
  firstViolation: string | null;
  marginSeconds: number;
}

/**
 * The current at every circuit and grid phase in one simulated second: EVSE draws go up the circuit tree on the
 * grid phases their rotation wires them to, building load onto its circuit and those above it.
 */
export class SiteMeasure {
  readonly safety: Safety = { violationSeconds: 0, maxExcessA: 0, firstViolation: null, marginSeconds: 0 };
  amps: Float64Array;
  private readonly site: SiteModel;
  private readonly paths: number[][];
  private readonly circuitIndex: Map<string, number>;
  private readonly evsePath: Map<string, number[]>;
  private readonly wiring: Map<string, number[]>;

  constructor(site: SiteModel) {
    this.site = site;
    this.circuitIndex = new Map(site.circuits.map((c, i) => [c.id, i]));
    this.paths = site.circuits.map((c) => {
      const path: number[] = [];
      for (let cur: typeof c | undefined = c; cur; cur = cur.parentId === undefined ? undefined : site.circuits[this.circuitIndex.get(cur.parentId)!]) path.push(this.circuitIndex.get(cur.id)!);
      return path;
    });
    this.evsePath = new Map(site.evses.map((e) => [e.id, this.paths[this.circuitIndex.get(e.circuitId)!]!]));
    this.wiring = new Map(site.evses.map((e) => [e.id, gridPhasesOf(e)]));
    this.amps = new Float64Array(site.circuits.length * 3);
  }

  /** Starts a new second with nothing drawn. */
  reset(): Float64Array {
    this.amps = new Float64Array(this.site.circuits.length * 3);
    return this.amps;
  }

  addEvse(evseId: string, evsePhaseA: readonly number[]): void {
    const wired = this.wiring.get(evseId)!;
    for (const c of this.evsePath.get(evseId)!) for (let i = 0; i < wired.length; i++) this.amps[c * 3 + wired[i]!]! += evsePhaseA[i]!;
  }

  addLoad(circuitId: string, load: PerPhase): void {
    for (const c of this.paths[this.circuitIndex.get(circuitId)!]!) for (let p = 0; p < 3; p++) this.amps[c * 3 + p]! += load[p]!;
  }

  /** Checks every circuit, phase and power limit of second `t` against the limits in force. */
  check(t: number, limits: CircuitLimit[]): void {
    const v = this.site.voltageV ?? 230;
    const s = this.safety;
    this.site.circuits.forEach((c, i) => {
      const limit = limits[i]!;
      let watts = 0;
      for (let p = 0; p < 3; p++) {
        const a = this.amps[i * 3 + p]!;
        watts += a * v;
        const excess = a - limit.limitA[p]!;
        if (excess > 1e-6) {
          s.violationSeconds++;
          s.maxExcessA = Math.max(s.maxExcessA, excess);
          s.firstViolation ??= `t=${t}s ${c.id} L${p + 1}: ${a.toFixed(1)} A > ${limit.limitA[p]} A`;
        } else if (a > limit.limitA[p]! - (c.marginA ?? 0) + 1e-6) s.marginSeconds++;
      }
      if (watts > limit.maxPowerW + 1e-3) {
        s.violationSeconds++;
        s.maxExcessA = Math.max(s.maxExcessA, (watts - limit.maxPowerW) / (3 * v));
        s.firstViolation ??= `t=${t}s ${c.id} power: ${(watts / 1000).toFixed(1)} kW > ${limit.maxPowerW / 1000} kW`;
      }
    });
  }
}
