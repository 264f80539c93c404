import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { intQuery } from '../query.ts';

/** ISO 15118 certificate requests a station made and how Ampyard answered them (mounted under /stations). */
export function iso15118Routes(services: Services): Hono {
  const { stations, iso15118 } = services;
  const app = new Hono();
  app.get('/:id/iso15118-requests', (c) => c.json({ items: iso15118.list(stations.require(c.req.param('id')).id, intQuery(c, 'limit', 100, 1, 1000)) }));
  return app;
}
