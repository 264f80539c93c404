import type { Payload } from './rpc/frames.ts';

/**
 * The highest EVSE or connector id Ampyard takes from a station. No charger has more; a larger (or negative) id is
 * a firmware bug, and taking it would add an EVSE that does not exist to the station, the UI and the site model.
 */
export const MAX_EVSE_ID = 1000;

const outside = (value: unknown, field: string): string | undefined =>
  typeof value === 'number' && (value < 0 || value > MAX_EVSE_ID) ? `${field} ${value} is not an EVSE or connector id (0–${MAX_EVSE_ID})` : undefined;

/**
 * What is wrong with the EVSE and connector ids of a station's message, if anything: `connectorId` and `evseId`
 * (1.6 and 2.x) and `evse.id` / `evse.connectorId` (2.x TransactionEvent and the like). The official schemas
 * leave them unbounded.
 */
export function evseIdProblem(payload: Payload): string | undefined {
  const evse = payload['evse'];
  const nested = typeof evse === 'object' && evse !== null ? (evse as Record<string, unknown>) : undefined;
  return outside(payload['connectorId'], 'connectorId') ?? outside(payload['evseId'], 'evseId') ?? outside(nested?.['id'], 'evse.id') ?? outside(nested?.['connectorId'], 'evse.connectorId');
}
