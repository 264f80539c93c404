import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { enumQuery, paging, timeQuery } from '../query.ts';

/** The security event log, newest first; `from`/`to` bound the event time (`to` exclusive). */
export function securityEventRoutes(services: Services): Hono {
  const { securityEvents } = services;
  const app = new Hono();

  app.get('/', (c) =>
    c.json(
      securityEvents.list({
        stationId: c.req.query('stationId') || undefined,
        type: c.req.query('type') || undefined,
        source: enumQuery(c, 'source', ['station', 'csms'] as const),
        from: timeQuery(c, 'from'),
        to: timeQuery(c, 'to'),
        ...paging(c),
      }),
    ),
  );
  return app;
}
