import { minPerPhase, perPhase } from './phases.ts';
import { entryApplies, localTime, type LocalTime } from './time-of-day.ts';
import type { CircuitModel, LimitOverride, PerPhase } from './types.ts';

export interface CircuitLimit {
  limitA: PerPhase;
  maxPowerW: number;
}

const advance = (base: LocalTime, minutes: number): LocalTime => {
  const total = base.minute + minutes;
  return { weekday: (base.weekday + Math.floor(total / 1440)) % 7, minute: total % 1440 };
};

/**
 * The lowest limit of the circuit at any moment in [from, to] (every minute touched counts: entries are minute-granular;
 * a daylight-saving change inside the window is not seen), with an override applied on top (unless it ends before `from`).
 */
export function circuitLimitOver(circuit: CircuitModel, from: number, to: number, timeZone: string | undefined, override?: LimitOverride): CircuitLimit {
  let limitA = perPhase(circuit.limitA);
  let maxPowerW = circuit.maxPowerKw === undefined ? Infinity : circuit.maxPowerKw * 1000;
  if (circuit.schedule?.length) {
    const startMinute = Math.floor(from / 60_000) * 60_000;
    const base = localTime(startMinute, timeZone);
    const minutes = Math.max(0, Math.floor((to - startMinute) / 60_000));
    for (let k = 0; k <= minutes; k++) {
      const at = advance(base, k);
      for (const entry of circuit.schedule) {
        if (!entryApplies(entry, at)) continue;
        limitA = minPerPhase(limitA, entry.limitA);
        if (entry.maxPowerKw !== undefined) maxPowerW = Math.min(maxPowerW, entry.maxPowerKw * 1000);
      }
    }
  }
  if (override && (override.until === undefined || from < override.until)) {
    limitA = minPerPhase(limitA, override.limitA);
    if (override.maxPowerKw !== undefined) maxPowerW = Math.min(maxPowerW, override.maxPowerKw * 1000);
  }
  return { limitA, maxPowerW };
}
