import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { limitParam } from '../openapi/query-params.ts';
import { itemsOf } from '../openapi/resource-schemas.ts';

/** ISO 15118 certificate requests a station made and how Ampyard answered them (mounted under /stations). */
export function iso15118Routes(services: Services): Hono {
  const { stations, iso15118 } = services;
  const app = new Hono();
  defineRoute<{ limit: number }>(
    app,
    { method: 'get', path: '/:id/iso15118-requests', summary: 'ISO 15118 certificate requests of a station', tags: ['Security'], query: { limit: limitParam(100, 1000) }, responses: { 200: { description: 'Newest first', schema: itemsOf('Iso15118Request') } } },
    (c, { query }) => c.json({ items: iso15118.list(stations.require(c.req.param('id')!).id, query.limit) }),
  );
  return app;
}
