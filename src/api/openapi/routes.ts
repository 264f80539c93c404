import { Hono } from 'hono';
import { defineRoute } from './define-route.ts';
import { openApiDocument } from './document.ts';

/** GET /openapi.json: public, like most APIs' descriptions (it tells no more than the open-source code does). */
export function openApiRoutes(whole: () => Hono, version: string): Hono {
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/openapi.json', summary: 'This OpenAPI document', tags: ['API'], security: 'public' }, (c) => c.json(openApiDocument(whole(), version)));
  return app;
}
