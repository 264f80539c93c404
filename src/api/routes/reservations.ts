import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { reservationStatuses } from '../../domain/reservation.ts';
import { enumQuery, paging } from '../query.ts';

export function reservationRoutes(services: Services): Hono {
  const { reservations } = services;
  const app = new Hono();

  app.get('/', (c) =>
    c.json(reservations.list({ stationId: c.req.query('stationId') || undefined, status: enumQuery(c, 'status', reservationStatuses), ...paging(c) })),
  );

  app.get('/:id', (c) => {
    const raw = c.req.param('id');
    const id = Number(raw);
    const reservation = Number.isInteger(id) && id > 0 ? reservations.get(id) : undefined;
    if (!reservation) throw new NotFoundError(`no reservation ${raw}`);
    return c.json(reservation);
  });
  return app;
}
