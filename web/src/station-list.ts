// Pure updates of the in-memory station list, driven by API responses and live events.

import type { Connector, ConnectorUpdate, Evse, Station } from './station-types.ts';

export function sortStations(stations: Station[]): Station[] {
  return [...stations].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** Inserts or replaces a full station (from `station.updated` or an approve/reject response). */
export function upsertStation(stations: Station[], station: Station): Station[] {
  const index = stations.findIndex((s) => s.id === station.id);
  if (index === -1) return sortStations([...stations, station]);
  const next = [...stations];
  next[index] = station;
  return next;
}

/**
 * Applies a `connector.updated` event. Returns the list unchanged when the station is not known
 * (a full `station.updated` or the next re-fetch will bring it).
 */
export function applyConnectorUpdate(stations: Station[], update: ConnectorUpdate): Station[] {
  const index = stations.findIndex((s) => s.id === update.stationId);
  const station = stations[index];
  if (!station) return stations;
  const next = [...stations];
  next[index] = { ...station, evses: updateEvses(station.evses, update) };
  return next;
}

function updateEvses(evses: Evse[], update: ConnectorUpdate): Evse[] {
  const evse = evses.find((e) => e.evseId === update.evseId) ?? { evseId: update.evseId, connectors: [] };
  const existing = evse.connectors.find((c) => c.connectorId === update.connectorId);
  const connector: Connector = {
    ...existing,
    connectorId: update.connectorId,
    status: update.status,
    errorCode: update.errorCode,
    statusAt: new Date().toISOString(),
  };
  const connectors = [...evse.connectors.filter((c) => c.connectorId !== update.connectorId), connector].sort(
    (a, b) => a.connectorId - b.connectorId,
  );
  return [...evses.filter((e) => e.evseId !== update.evseId), { ...evse, connectors }].sort((a, b) => a.evseId - b.evseId);
}

export function isKnownStation(stations: Station[], id: string): boolean {
  return stations.some((s) => s.id === id);
}
