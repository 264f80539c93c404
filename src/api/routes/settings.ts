import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import { jsonBody } from '../query.ts';

export function settingsRoutes(services: Services): Hono {
  const app = new Hono();
  app.get('/', (c) => c.json(services.siteSettings.get()));
  app.patch('/', async (c) => {
    const changes = checkParams<Partial<SiteSettings>>(
      {
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
      await jsonBody(c),
    );
    return c.json(await services.siteSettings.update(changes));
  });
  return app;
}
