import { Hono } from 'hono';
import { readUiAsset } from '../../ui/assets.ts';
import { errorBody } from '../errors.ts';
import { defineRoute } from './define-route.ts';

/**
 * GET /api/docs: the interactive API reference, a page of the UI bundle (web/api-docs/, built by
 * scripts/build/web.ts and embedded like the rest of the UI; nothing from a CDN). Public like the document;
 * "try it" sends requests with the browser's session.
 */
export function apiDocsPageRoutes(): Hono {
  const app = new Hono();
  const page = { 200: { description: 'The page', contentType: 'text/html', schema: { type: 'string' } } };
  defineRoute(app, { method: 'get', path: '/api/docs', summary: 'The interactive API reference (HTML)', tags: ['API'], security: 'public', responses: page }, (c) => {
    const html = readUiAsset('/api-docs.html');
    if (!html) return c.json(errorBody('not_found', 'the API reference page is not built (node scripts/build/web.ts)'), 404);
    return c.body(html.body as unknown as Uint8Array<ArrayBuffer>, 200, { 'content-type': html.contentType, 'cache-control': 'no-cache' });
  });
  return app;
}
