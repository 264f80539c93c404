import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { reservationStatuses, type ReservationStatus } from '../../domain/reservation.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { enumParam, textParam } from '../openapi/query-params.ts';
import { pageOf, resourceRef } from '../openapi/resource-schemas.ts';

export function reservationRoutes(services: Services): Hono {
  const { reservations } = services;
  const app = new Hono();

  defineRoute<{ stationId?: string; status?: ReservationStatus; limit: number; offset: number }>(
    app,
    { method: 'get', path: '/', summary: 'Reservations', tags: ['Reservations'], query: { stationId: textParam('Only this station'), status: enumParam(reservationStatuses), ...pagingQuery() }, responses: { 200: { description: 'One page of reservations', schema: pageOf('Reservation') } } },
    (c, { query }) => c.json(reservations.list(query)),
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One reservation', tags: ['Reservations'], params: { id: { type: 'integer' } }, responses: { 200: { description: 'The reservation', schema: resourceRef('Reservation') } } }, (c) => {
    const raw = c.req.param('id')!;
    const id = Number(raw);
    const reservation = Number.isInteger(id) && id > 0 ? reservations.get(id) : undefined;
    if (!reservation) throw new NotFoundError(`no reservation ${raw}`);
    return c.json(reservation);
  });
  return app;
}
