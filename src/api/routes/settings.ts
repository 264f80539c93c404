import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

const settings = (description: string) => ({ 200: { description, schema: resourceRef('SiteSettings') } });

export function settingsRoutes(services: Services): Hono {
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/', summary: 'Site settings', tags: ['Settings'], responses: settings('The settings') }, (c) => c.json(services.siteSettings.get()));
  defineRoute<unknown, Partial<SiteSettings>>(
    app,
    {
      method: 'patch',
      path: '/',
      summary: 'Change site settings',
      tags: ['Settings'],
      responses: settings('The settings as changed'),
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
