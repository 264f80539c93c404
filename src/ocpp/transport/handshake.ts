import type { IncomingMessage } from 'node:http';
import { isValidStationId } from '../../domain/station.ts';
import { supportedSubprotocols, versionOfSubprotocol, type OcppVersion } from '../versions.ts';

export type HandshakeOutcome =
  | { ok: true; stationId: string; version: OcppVersion; subprotocol: string }
  | { ok: false; status: number; reason: string };

/**
 * Reads what a charger's websocket request asks for. The station id is the last path segment, under
 * whatever prefix the charger was configured with (`/ocpp/CP1`, `/steve/websocket/CentralSystemService/CP1`, `/CP1`).
 * Of the offered subprotocols the first one we speak is chosen, in the charger's order of preference.
 */
export function readHandshake(request: IncomingMessage): HandshakeOutcome {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const lastSegment = path.split('/').filter(Boolean).pop() ?? '';
  let stationId: string;
  try {
    stationId = decodeURIComponent(lastSegment);
  } catch {
    return { ok: false, status: 400, reason: 'station id in the URL is not valid percent-encoding' };
  }
  if (!isValidStationId(stationId)) {
    return { ok: false, status: 400, reason: `'${stationId.slice(0, 60)}' is not a valid station id (1-48 characters, no ':' or '/'); put it last in the URL, e.g. /ocpp/CP001` };
  }
  const offered = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const subprotocol = offered.find((p) => versionOfSubprotocol(p) !== undefined);
  if (!subprotocol) {
    const got = offered.length ? offered.join(', ') : 'none';
    return { ok: false, status: 400, reason: `no supported OCPP subprotocol offered (got ${got}; supported: ${supportedSubprotocols.join(', ')})` };
  }
  return { ok: true, stationId, version: versionOfSubprotocol(subprotocol)!, subprotocol };
}
