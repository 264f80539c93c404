import type { HandlerTable } from '../dispatcher.ts';

/** OCPP 2.x: the station ended a reservation itself (it expired, or was removed, e.g. the EVSE became unavailable). */
export const v2Reservations: HandlerTable = {
  async ReservationStatusUpdate(ctx, p) {
    const { reservations, warnings } = ctx.services;
    const id = p['reservationId'] as number;
    const reservation = reservations.get(id);
    if (!reservation || reservation.stationId !== ctx.stationId) {
      warnings.add(ctx.stationId, 'unknown-reservation', `ReservationStatusUpdate for reservation ${id}, which Ampyard did not make on this station`);
      return {};
    }
    await reservations.ended(id, p['reservationUpdateStatus'] === 'Expired' ? 'expired' : 'cancelled');
    return {};
  },
};
