import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { databaseFile } from '../../storage/database.ts';
import { meterValuesFile } from '../../storage/meter-values/meter-values-file.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What the About page shows: version, data directory, uptime, database size and licence. */
export function aboutRoutes(services: Services): Hono {
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/', summary: 'Version, data directory, uptime, database size and licence', tags: ['API'], responses: { 200: { description: 'About', schema: resourceRef('About') } } }, (c) => {
    const files = [databaseFile(services.dataDir), meterValuesFile(services.dataDir)];
    return c.json({
      version: services.version,
      dataDir: resolve(services.dataDir),
      startedAt: services.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
      databaseBytes: files.reduce((sum, file) => sum + fileSize(file) + fileSize(`${file}-wal`), 0),
      licence: 'Apache-2.0',
      apiDocs: '/api/docs',
    });
  });
  return app;
}
