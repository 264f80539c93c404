import type { Services } from '../app/services.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { openReservationStatuses } from '../domain/reservation.ts';
import { ParamsError } from './params.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandSpec } from './spec.ts';

const idTokenTypes = ['Central', 'ISO14443', 'ISO15693', 'eMAID', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];
const connectorTypes = [
  'cCCS1', 'cCCS2', 'cG105', 'cTesla', 'cType1', 'cType2', 's309-1P-16A', 's309-1P-32A', 's309-3P-16A', 's309-3P-32A', 'sBS1361',
  'sCEE-7-7', 'sType2', 'sType3', 'Other1PhMax16A', 'Other1PhOver16A', 'Other3Ph', 'Pan', 'wInductive', 'wResonant', 'Undetermined', 'Unknown',
];

interface ReserveParams {
  evseId: number;
  idToken: string;
  idTokenType?: string;
  expiresAt: string;
  groupId?: string;
  connectorType?: string;
}

export function reservationCommands(services: Services): CommandSpec[] {
  const { reservations, idTokens } = services;
  // The reservation created for a call, by its params object (the runner passes the same object to toOcpp and interpret).
  const created = new WeakMap<object, number>();

  const reserveNow: CommandSpec<ReserveParams> = {
    name: 'reserveNow',
    summary: 'Reserve an EVSE (0 or none: any EVSE) for an id token until a given time.',
    params: {
      type: 'object',
      properties: {
        evseId: { type: 'integer', minimum: 0, default: 0, description: 'EVSE id (OCPP 1.6: the connector id); 0 = any' },
        idToken: { type: 'string', minLength: 1, maxLength: 36 },
        idTokenType: { enum: idTokenTypes, description: 'OCPP 2.x; default: the type Ampyard has for the token' },
        expiresAt: { type: 'string', format: 'date-time' },
        groupId: { type: 'string', minLength: 1, maxLength: 36, description: 'default: the group Ampyard has for the token' },
        connectorType: { enum: connectorTypes, description: 'OCPP 2.x only' },
      },
      required: ['idToken', 'expiresAt'],
      additionalProperties: false,
    },
    toOcpp: async (params, { station, version }) => {
      const expiresAt = new Date(params.expiresAt);
      if (expiresAt.getTime() <= Date.now()) throw new ParamsError([{ field: 'expiresAt', message: 'must be in the future' }]);
      const known = idTokens.get(params.idToken);
      const groupId = params.groupId ?? known?.groupId ?? null;
      if (version === '1.6') {
        if (params.connectorType) throw new UnsupportedCommandError('reserving by connector type', version);
        if (params.idToken.length > 20) throw new UnsupportedCommandError('an id tag longer than 20 characters', version);
      }
      const reservation = await reservations.create({
        stationId: station.id,
        evseId: params.evseId,
        connectorType: params.connectorType ?? null,
        idToken: known?.token ?? params.idToken,
        idTokenType: params.idTokenType ?? known?.type ?? null,
        groupId,
        expiresAt: expiresAt.toISOString(),
      });
      created.set(params, reservation.id);
      if (version === '1.6') {
        const payload: Record<string, unknown> = { connectorId: reservation.evseId, expiryDate: reservation.expiresAt, idTag: reservation.idToken, reservationId: reservation.id };
        if (groupId) payload['parentIdTag'] = groupId.slice(0, 20);
        return { action: 'ReserveNow', payload };
      }
      const payload: Record<string, unknown> = {
        id: reservation.id,
        expiryDateTime: reservation.expiresAt,
        idToken: { idToken: reservation.idToken, type: reservation.idTokenType ?? 'ISO14443' },
      };
      if (reservation.evseId > 0) payload['evseId'] = reservation.evseId;
      if (reservation.connectorType) payload['connectorType'] = reservation.connectorType;
      if (groupId) payload['groupIdToken'] = { idToken: groupId, type: 'Central' };
      return { action: 'ReserveNow', payload };
    },
    interpret: async (response, params) => {
      const outcome = defaultOutcome(response);
      return { ...outcome, result: { reservation: await reservations.answered(created.get(params)!, outcome.status) } };
    },
  };

  const cancelReservation: CommandSpec<{ reservationId: number }> = {
    name: 'cancelReservation',
    summary: 'Cancel a reservation on the station.',
    params: { type: 'object', properties: { reservationId: { type: 'integer', minimum: 1 } }, required: ['reservationId'], additionalProperties: false },
    toOcpp: ({ reservationId }, { station }) => {
      const reservation = reservations.get(reservationId);
      if (!reservation || reservation.stationId !== station.id) throw new NotFoundError(`no reservation ${reservationId} on station ${station.id}`);
      if (!openReservationStatuses.includes(reservation.status)) throw new ConflictError(`reservation ${reservationId} is ${reservation.status}`);
      return { action: 'CancelReservation', payload: { reservationId } };
    },
    interpret: async (response, { reservationId }) => {
      const outcome = defaultOutcome(response);
      const reservation = outcome.status === 'accepted' ? await reservations.ended(reservationId, 'cancelled') : reservations.get(reservationId);
      return { ...outcome, result: { reservation } };
    },
  };

  return [reserveNow, cancelReservation];
}
