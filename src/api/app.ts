import { Hono, type MiddlewareHandler } from 'hono';
import { readUiAsset } from '../ui/assets.ts';
import { errorBody, toErrorResponse } from './errors.ts';
import { eventRoutes } from './routes/events.ts';
import { fileTransferRoutes } from './routes/file-transfer.ts';
import { firmwareRoutes } from './routes/firmware.ts';
import { stationJobRoutes } from './routes/station-jobs.ts';
import { stationRoutes } from './routes/stations.ts';
import type { Services } from '../app/services.ts';
import { idTokenRoutes } from './routes/id-tokens.ts';
import { certificateRoutes } from './routes/certificates.ts';
import { securityEventRoutes } from './routes/security-events.ts';
import { publicCaRoutes, securityRoutes } from './routes/security.ts';
import { stationSecurityRoutes } from './routes/station-security.ts';
import { settingsRoutes } from './routes/settings.ts';
import { transactionRoutes } from './routes/transactions.ts';
import { chargingProfileRoutes } from './routes/charging-profiles.ts';
import { localListRoutes } from './routes/local-list.ts';
import { reservationRoutes } from './routes/reservations.ts';
import { diagnosticsRoutes } from './routes/diagnostics.ts';
import { displayMessageRoutes } from './routes/display-messages.ts';
import { ocpp21MessageRoutes } from './routes/ocpp21-messages.ts';
import { tariffRoutes } from './routes/tariffs.ts';
import { chargingReportRoutes } from './routes/charging-reports.ts';
import { iso15118Routes } from './routes/iso15118.ts';
import { accessControl } from './access.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { setupRoutes } from './routes/setup.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { exportRoutes } from './routes/exports.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { siteRoutes, stationElectricalRoutes } from './routes/site.ts';
import { sitePowerRoutes } from './routes/site-power.ts';
import { openApiRoutes } from './openapi/routes.ts';
import { defineRoute } from './openapi/define-route.ts';
import { resourceRef } from './openapi/resource-schemas.ts';
import { apiDocsPageRoutes } from './openapi/docs-page.ts';
import { aboutRoutes } from './routes/about.ts';
import { backupRoutes } from './routes/backups.ts';
import { idTokenGroupRoutes } from './routes/id-token-groups.ts';

export function createHttpApp(services: Services): Hono {
  const app = new Hono();
  const api = new Hono();
  /**
   * The single place where API authentication plugs in: sign-in (session cookie or API token), the role each
   * path needs (src/auth/access-rules.ts; new routes are covered by its defaults), CSRF and the audit log.
   */
  const requireAccess: MiddlewareHandler = accessControl(services);
  api.use('*', requireAccess);
  // Read-your-writes: whatever is queued (a security event recorded a moment ago, a status just received) is
  // committed before a read is served. Durability is the write queue's business; this only orders the commit.
  api.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') services.writes.flush();
    await next();
  });
  defineRoute(api, { method: 'get', path: '/health', summary: 'Health: storage, uptime, connected stations', tags: ['Monitoring'], responses: { 200: { description: 'Health', schema: resourceRef('Health') } } }, (c) =>
    c.json({
      status: services.writes.health().ok ? 'ok' : 'degraded',
      version: services.version,
      uptimeSeconds: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
      stationsConnected: services.stations.connectedCount(),
      storage: services.writes.health(),
    }),
  );
  api.route('/stations', stationRoutes(services));
  api.route('/stations', stationJobRoutes(services));
  api.route('/firmware', firmwareRoutes(services));
  api.route('/stations', certificateRoutes(services));
  api.route('/transactions', transactionRoutes(services));
  api.route('/security-events', securityEventRoutes(services));
  api.route('/security', securityRoutes(services));
  api.route('/stations', stationSecurityRoutes(services));
  api.route('/id-tokens', idTokenRoutes(services));
  api.route('/id-token-groups', idTokenGroupRoutes(services));
  api.route('/backups', backupRoutes(services));
  api.route('/about', aboutRoutes(services));
  api.route('/settings', settingsRoutes(services));
  api.route('/events', eventRoutes(services));
  api.route('/', localListRoutes(services));
  api.route('/reservations', reservationRoutes(services));
  api.route('/stations', chargingProfileRoutes(services));
  api.route('/', diagnosticsRoutes(services));
  api.route('/stations', displayMessageRoutes(services));
  api.route('/stations', ocpp21MessageRoutes(services));
  api.route('/', tariffRoutes(services));
  api.route('/stations', chargingReportRoutes(services));
  api.route('/stations', iso15118Routes(services));
  api.route('/auth', authRoutes(services));
  api.route('/setup', setupRoutes(services));
  api.route('/users', userRoutes(services));
  api.route('/tokens', tokenRoutes(services));
  api.route('/audit', auditRoutes(services));
  api.route('/webhooks', webhookRoutes(services));
  api.route('/exports', exportRoutes(services));
  api.route('/site/power-history', sitePowerRoutes(services));
  api.route('/site', siteRoutes(services));
  api.route('/stations', stationElectricalRoutes(services));
  api.route('/', openApiRoutes(() => app, services.version));
  api.notFound((c) => c.json(errorBody('not_found', `no API route ${c.req.method} ${c.req.path}`), 404));
  app.route('/api/v1', api);
  // Stations download firmware and upload logs here, outside the API's access control (token URLs).
  app.route('/', fileTransferRoutes(services));
  app.route('/', publicCaRoutes(services));
  // Prometheus scrapes here, outside /api/v1 (it checks its own bearer token).
  app.route('/', metricsRoutes(services));
  app.route('/', apiDocsPageRoutes());
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
