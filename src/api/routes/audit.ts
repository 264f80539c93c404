import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { itemsOf } from '../openapi/resource-schemas.ts';
import { beforeIdParam, limitParam, textParam } from '../openapi/query-params.ts';

/** The audit log, newest first; page with `beforeId` (the last id seen). For admins. */
export function auditRoutes(services: Services): Hono {
  const app = new Hono();
  defineRoute<{ username?: string; action?: string; beforeId?: number; limit: number }>(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'The audit log, newest first',
      tags: ['Users and access'],
      query: { username: textParam('Only this user'), action: textParam('Only this action'), beforeId: beforeIdParam, limit: limitParam(100, 1000) },
      responses: { 200: { description: 'Newest first', schema: itemsOf('AuditEntry') } },
    },
    (c, { query }) => c.json({ items: services.auth.audit.list({ ...query, beforeId: query.beforeId ?? Number.MAX_SAFE_INTEGER }) }),
  );
  return app;
}
