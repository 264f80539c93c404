import type { Services } from '../app/services.ts';
import type { ConnectorStatus } from '../domain/station.ts';

/**
 * Station quirk: the id tag a charger must be sent in a remote start before it charges. Some chargers have no
 * free-vend mode of their own; on a free-vend site they charge only when the CSMS starts them.
 */
export const AUTO_START_QUIRK = 'autoStartIdTag';

/** A cable is plugged in: 1.6 Preparing, 2.x Occupied. */
const PLUGGED_IN: ReadonlySet<ConnectorStatus> = new Set(['preparing', 'occupied']);

/**
 * For stations with the quirk: when a connector reports a plugged-in cable and its EVSE has no authorised
 * session and no remote start waiting, Ampyard starts one for the quirk's id tag (a 2.x session begun by the cable
 * alone is authorised by it). The start goes out after the station's status message is answered; a refusal is
 * a warning on the station.
 */
export function startAutoStarts(services: Services): () => void {
  const { events, stations, transactions, remoteStarts, commands, warnings } = services;
  return events.subscribe((event) => {
    if (event.type !== 'connector.updated') return;
    const { stationId, evseId, status } = event.data;
    if (evseId === 0 || !PLUGGED_IN.has(status)) return;
    const idTag = stations.get(stationId)?.quirks[AUTO_START_QUIRK];
    if (typeof idTag !== 'string' || idTag === '') return;
    setImmediate(() => {
      if (transactions.activeOnStation(stationId).some((tx) => tx.evseId === evseId && tx.idToken !== null)) return;
      if (remoteStarts.list(stationId).some((start) => start.evseId === null || start.evseId === evseId)) return;
      commands
        .run(stationId, 'startCharging', { evseId, idToken: idTag }, undefined, 'auto-start')
        .then((outcome) => {
          if (outcome.status !== 'accepted') warnings.add(stationId, 'auto-start', `remote start for ${idTag} on EVSE ${evseId} after the cable was plugged in: ${outcome.status}`);
        })
        .catch((error: Error) => warnings.add(stationId, 'auto-start', `remote start for ${idTag} on EVSE ${evseId} after the cable was plugged in failed: ${error.message}`));
    });
  });
}
