import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';

/** The charging profiles Ampyard has set on a station, with the station's answers (mounted under /stations). */
export function chargingProfileRoutes(services: Services): Hono {
  const { chargingProfiles, stations } = services;
  const app = new Hono();
  app.get('/:id/charging-profiles', (c) => c.json({ items: chargingProfiles.list(stations.require(c.req.param('id')).id) }));
  return app;
}
