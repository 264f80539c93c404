import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { hasRole } from '../../auth/roles.ts';
import { metricsRenderer } from '../../metrics/exposition.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../metrics/registry.ts';
import { errorBody } from '../errors.ts';
import { defineRoute, type RouteSpec } from '../openapi/define-route.ts';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * `GET /metrics` in Prometheus text format. Outside /api/v1, where scrapers expect it; it needs an API token
 * (any role: a viewer user's token is enough) as `Authorization: Bearer`, which is how Prometheus'
 * `authorization` scrape setting sends one.
 */
export function metricsRoutes(services: Services): Hono {
  const app = new Hono();
  const render = metricsRenderer(services);
  const spec: RouteSpec = { method: 'get', path: '/metrics', summary: 'Metrics in Prometheus text format', tags: ['Monitoring'], security: 'metricsToken', responses: { 200: { description: 'Prometheus exposition', contentType: PROMETHEUS_CONTENT_TYPE, schema: { type: 'string' } } } };
  defineRoute(app, spec, (c) => {
    const secret = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const found = secret ? services.auth.tokens.resolve(secret) : undefined;
    if (!found || !hasRole(found.role, 'viewer')) {
      c.header('www-authenticate', 'Bearer realm="ampyard"');
      return c.json(errorBody('unauthenticated', 'send an Ampyard API token as "Authorization: Bearer <token>" (a viewer\'s is enough)'), 401);
    }
    return c.body(render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
  });
  return app;
}
