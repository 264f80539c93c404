import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { idParam } from '../file-responses.ts';
import { enumQuery, intQuery, paging } from '../query.ts';

/** OCPP 2.x diagnostics: events and alarms, monitor inventories, customer information. */
export function diagnosticsRoutes(services: Services): Hono {
  const { stations, stationEvents, monitoring, customerInformation } = services;
  const app = new Hono();

  /** Newest first; page back with `beforeId`. */
  app.get('/stations/:id/events', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const limit = intQuery(c, 'limit', 100, 1, 1000);
    const beforeId = intQuery(c, 'beforeId', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    return c.json({ items: stationEvents.forStation(id, limit, beforeId) });
  });

  app.get('/alarms', (c) => {
    const active = enumQuery(c, 'active', ['true', 'false'] as const);
    return c.json(stationEvents.alarms({ stationId: c.req.query('stationId') || undefined, ...(active ? { active: active === 'true' } : {}), ...paging(c) }));
  });

  /** The operator clears an alarm the station will not clear itself; 409 if it is no longer active. */
  app.post('/alarms/:id/clear', async (c) => c.json(await stationEvents.clearAlarm(idParam(c, 'id', 'alarm'))));

  app.get('/stations/:id/monitors', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json(monitoring.inventory(id));
  });

  app.get('/stations/:id/customer-information', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: customerInformation.list(id, intQuery(c, 'limit', 50, 1, 200)) });
  });

  return app;
}
