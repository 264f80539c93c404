import { perPhase } from './phases.ts';
import type { CircuitModel, LoadMeasurement, PerPhase } from './types.ts';

export interface ResolvedLoad {
  loadA: PerPhase;
  stale: boolean;
}

/**
 * The non-charger load to count at a circuit: a fresh measurement; when the meter is silent, the configured
 * worst case (or, without one, the last value seen); without a meter, the configured assumption or nothing.
 */
export function resolveLoad(circuit: CircuitModel, measurement: LoadMeasurement | undefined, now: number, staleAfterS: number): ResolvedLoad {
  const fresh = measurement !== undefined && now - measurement.measuredAt <= staleAfterS * 1000;
  if (fresh) return { loadA: clampPositive(measurement.currentA), stale: false };
  const metered = circuit.metered === true || measurement !== undefined;
  if (circuit.fallbackLoadA !== undefined) return { loadA: clampPositive(perPhase(circuit.fallbackLoadA)), stale: metered };
  return { loadA: measurement ? clampPositive(measurement.currentA) : [0, 0, 0], stale: metered };
}

function clampPositive(a: PerPhase): PerPhase {
  return [Math.max(0, a[0]), Math.max(0, a[1]), Math.max(0, a[2])];
}

/** The latest measurement per circuit id. */
export function latestLoads(loads: LoadMeasurement[] | undefined): Map<string, LoadMeasurement> {
  const out = new Map<string, LoadMeasurement>();
  for (const m of loads ?? []) {
    const seen = out.get(m.circuitId);
    if (!seen || seen.measuredAt <= m.measuredAt) out.set(m.circuitId, m);
  }
  return out;
}
