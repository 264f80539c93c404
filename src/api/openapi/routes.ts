import { Hono } from 'hono';
import { defineRoute } from './define-route.ts';
import { openApiDocument } from './document.ts';

/** The document's top level (OpenAPI 3.1); what is inside is OpenAPI's own schema, not repeated here. */
const openApiDocumentSchema = {
  type: 'object',
  description: 'An OpenAPI 3.1 document',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' } } },
    paths: { type: 'object', description: 'One entry per path, by HTTP method' },
    components: { type: 'object', required: ['schemas'], properties: { schemas: { type: 'object', description: 'The resources the responses refer to' } } },
  },
};

/** GET /openapi.json: public, like most APIs' descriptions (it tells no more than the open-source code does). */
export function openApiRoutes(whole: () => Hono, version: string): Hono {
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/openapi.json', summary: 'This OpenAPI document', tags: ['API'], security: 'public', responses: { 200: { description: 'The document', schema: openApiDocumentSchema } } }, (c) => c.json(openApiDocument(whole(), version)));
  return app;
}
