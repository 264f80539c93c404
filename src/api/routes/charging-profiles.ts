import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { itemsOf } from '../openapi/resource-schemas.ts';

/** The charging profiles Ampyard has set on a station, with the station's answers (mounted under /stations). */
export function chargingProfileRoutes(services: Services): Hono {
  const { chargingProfiles, stations } = services;
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/:id/charging-profiles', summary: 'Charging profiles set on a station, with its answers', tags: ['Smart charging'], responses: { 200: { description: 'The profiles', schema: itemsOf('StoredChargingProfile') } } }, (c) =>
    c.json({ items: chargingProfiles.list(stations.require(c.req.param('id')!).id) }),
  );
  return app;
}
