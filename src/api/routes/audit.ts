import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { intQuery } from '../query.ts';

/** The audit log, newest first; page with `beforeId` (the last id seen). For admins. */
export function auditRoutes(services: Services): Hono {
  const app = new Hono();
  app.get('/', (c) =>
    c.json({
      items: services.auth.audit.list({
        username: c.req.query('username') || undefined,
        action: c.req.query('action') || undefined,
        beforeId: intQuery(c, 'beforeId', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER),
        limit: intQuery(c, 'limit', 100, 1, 1000),
      }),
    }),
  );
  return app;
}
