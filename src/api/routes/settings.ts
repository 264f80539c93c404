import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import { defineRoute } from '../openapi/define-route.ts';

export function settingsRoutes(services: Services): Hono {
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/', summary: 'Site settings', tags: ['Settings'] }, (c) => c.json(services.siteSettings.get()));
  defineRoute<unknown, Partial<SiteSettings>>(
    app,
    {
      method: 'patch',
      path: '/',
      summary: 'Change site settings',
      tags: ['Settings'],
      body: {
        type: 'object',
        properties: {
          freeVend: { type: 'boolean' },
          remoteStartTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
          acceptUnknownStations: { type: 'boolean' },
          siteName: { type: 'string', minLength: 1, maxLength: 100 },
          gridLimitA: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
        },
        additionalProperties: false,
      },
    },
    async (c, { body }) => c.json(await services.siteSettings.update(body)),
  );
  return app;
}
