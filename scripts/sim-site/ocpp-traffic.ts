import type { ServerProbe } from './server-probe.ts';
import type { TwinStation } from './twin-station.ts';

export interface OcppTraffic {
  /** SetChargingProfile calls the stations got: live allocations (EVSE 1) and fail-safe profiles (EVSE 0). */
  allocationProfiles: number;
  failSafeProfiles: number;
  /** How the server's commands ended: acknowledged by the station, refused, timed out or failed. */
  accepted: number;
  refused: number;
  failed: number;
  /**
   * Simulated seconds from a transaction start to the first allocation profile of its EVSE (a car held at 0 A by
   * the fail-safe default gets none until it may charge: the maximum says how long the longest wait was).
   */
  arrivalToProfileS: { count: number; medianS: number; maxS: number };
  /** Per limit signal: simulated seconds until the first allocation profile after it (null: none followed). */
  limitEventToProfileS: Array<number | null>;
}

const firstAllocationFrom = (s: TwinStation, at: number) => s.received.find((r) => r.evseId !== 0 && r.at >= at)?.at;

/** The OCPP traffic of a run, in simulated time, from what the stations received and the server's command outcomes. */
export function trafficOf(stations: TwinStation[], probe: ServerProbe, arrivals: Array<{ station: TwinStation; at: number; until: number }>, limitEvents: number[]): OcppTraffic {
  const waits = arrivals.flatMap(({ station, at, until }) => {
    const first = firstAllocationFrom(station, at);
    return first !== undefined && first < until ? [(first - at) / 1000] : [];
  }).sort((a, b) => a - b);
  return {
    allocationProfiles: stations.reduce((n, s) => n + s.received.filter((r) => r.evseId !== 0).length, 0),
    failSafeProfiles: stations.reduce((n, s) => n + s.received.filter((r) => r.evseId === 0).length, 0),
    ...probe.outcomes,
    arrivalToProfileS: { count: waits.length, medianS: waits[Math.floor(waits.length / 2)] ?? 0, maxS: waits.at(-1) ?? 0 },
    limitEventToProfileS: limitEvents.map((at, i) => {
      const next = limitEvents[i + 1] ?? Infinity;
      const first = Math.min(...stations.map((s) => firstAllocationFrom(s, at) ?? Infinity));
      return first < next ? (first - at) / 1000 : null;
    }),
  };
}
