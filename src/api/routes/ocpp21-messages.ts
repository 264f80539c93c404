import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { beforeIdParam, limitParam, textParam } from '../openapi/query-params.ts';
import { itemsOf } from '../openapi/resource-schemas.ts';

/** OCPP 2.1-only messages a station sent (DER, settlement, battery swap, periodic event streams…), newest first. */
export function ocpp21MessageRoutes(services: Services): Hono {
  const { stations, ocpp21Messages } = services;
  const app = new Hono();
  defineRoute<{ action?: string; limit: number; beforeId?: number }>(
    app,
    {
      method: 'get',
      path: '/:id/ocpp21-messages',
      summary: 'OCPP 2.1-only messages a station sent, newest first',
      tags: ['Stations'],
      query: { action: textParam('Only this OCPP action'), limit: limitParam(100, 1000), beforeId: beforeIdParam },
      responses: { 200: { description: 'Newest first', schema: itemsOf('Ocpp21Message') } },
    },
    (c, { query }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      return c.json({ items: ocpp21Messages.list(id, { ...query, beforeId: query.beforeId ?? Number.MAX_SAFE_INTEGER }) });
    },
  );
  return app;
}
