import type { Services } from '../../app/services.ts';
import { FALLBACK_STACK_LEVEL } from '../driver/profiles.ts';

/**
 * What in the set-up weakens the guarantees, in words: a meter without a worst case, a station not seen yet, an EVSE
 * charging that the model does not describe, a station-wide max profile set by hand that overrides the fail-safe one.
 */
export function siteProblemsOf(services: Services): string[] {
  const snapshot = services.balancer.site.snapshot();
  const out: string[] = [];
  for (const c of snapshot.circuits) {
    if (c.meter && c.fallbackLoadA === null) out.push(`circuit ${c.id} has a meter but no fallbackLoadA: while the meter is silent its last reading is assumed`);
  }
  for (const s of snapshot.stations) {
    const station = services.stations.get(s.stationId);
    if (!station) continue;
    if (s.evses.length === 0) out.push(`station ${s.stationId} has no EVSEs described: each is assumed AC, three phases, 32 A`);
    const described = new Set(s.evses.map((e) => e.evseId));
    for (const e of station.evses) if (s.evses.length && !described.has(e.evseId)) out.push(`station ${s.stationId} EVSE ${e.evseId} is not described: assumed AC, three phases, 32 A`);
    for (const row of services.chargingProfiles.list(s.stationId)) {
      if (row.profile.purpose === 'stationMax' && row.status === 'accepted' && row.profile.stackLevel > FALLBACK_STACK_LEVEL) {
        out.push(`station ${s.stationId} holds a station-wide max profile at stack level ${row.profile.stackLevel} (id ${row.profile.id}) that overrides its fail-safe profile; clear it`);
      }
    }
  }
  return out;
}
