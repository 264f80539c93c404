import { Hono, type MiddlewareHandler } from 'hono';
import { readUiAsset } from '../ui/assets.ts';
import { errorBody, toErrorResponse } from './errors.ts';
import { eventRoutes } from './routes/events.ts';
import { stationRoutes } from './routes/stations.ts';
import type { Services } from '../app/services.ts';
import { idTokenRoutes } from './routes/id-tokens.ts';
import { settingsRoutes } from './routes/settings.ts';
import { transactionRoutes } from './routes/transactions.ts';

/**
 * The single place where API authentication plugs in. Until users and roles exist (see README), the API is
 * open to whoever can reach the appliance's port.
 */
const requireAccess: MiddlewareHandler = async (_c, next) => {
  await next();
};

export function createHttpApp(services: Services): Hono {
  const app = new Hono();
  const api = new Hono();
  api.use('*', requireAccess);
  api.get('/health', (c) =>
    c.json({
      status: 'ok',
      version: services.version,
      uptimeSeconds: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
      stationsConnected: services.stations.connectedCount(),
    }),
  );
  api.route('/stations', stationRoutes(services));
  api.route('/transactions', transactionRoutes(services));
  api.route('/id-tokens', idTokenRoutes(services));
  api.route('/settings', settingsRoutes(services));
  api.route('/events', eventRoutes(services));
  api.notFound((c) => c.json(errorBody('not_found', `no API route ${c.req.method} ${c.req.path}`), 404));
  app.route('/api/v1', api);
  app.all('/api/*', (c) => c.json(errorBody('not_found', `no API route ${c.req.method} ${c.req.path}`), 404));

  app.get('*', (c) => {
    // The UI is a single page: unknown paths that are not files get index.html and route in the browser.
    // With its query: `?v=<content hash>` is what makes an asset cacheable for good.
    const url = new URL(c.req.url);
    const asset = readUiAsset(url.pathname + url.search) ?? (c.req.path.includes('.') ? undefined : readUiAsset('/'));
    if (!asset) return c.json(errorBody('not_found', `no such file ${c.req.path}`), 404);
    return c.body(asset.body as unknown as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.contentType,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });

  app.onError((error, c) => toErrorResponse(c, error, (e) => services.log.error('API request failed', { path: c.req.path, error: e.stack ?? e.message })));
  return app;
}
