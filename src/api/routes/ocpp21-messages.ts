import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { intQuery } from '../query.ts';

/** OCPP 2.1-only messages a station sent (DER, settlement, battery swap, periodic event streams…), newest first. */
export function ocpp21MessageRoutes(services: Services): Hono {
  const { stations, ocpp21Messages } = services;
  const app = new Hono();
  app.get('/:id/ocpp21-messages', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({
      items: ocpp21Messages.list(id, {
        action: c.req.query('action') || undefined,
        limit: intQuery(c, 'limit', 100, 1, 1000),
        beforeId: intQuery(c, 'beforeId', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER),
      }),
    });
  });
  return app;
}
