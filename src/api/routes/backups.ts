import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { noteAudit } from '../access.ts';
import { ApiError } from '../errors.ts';
import { attachment } from '../file-responses.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';

const tags = ['Backups'];
const backupSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, kind: { enum: ['daily', 'manual'] }, bytes: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' } },
};

/** The database backups in <dataDir>/backups: list, make one now, download one (admins only: see src/auth/access-rules.ts). */
export function backupRoutes(services: Services): Hono {
  const { backups } = services;
  const app = new Hono();

  defineList(app, { path: '/', summary: 'Database backups, newest first', description: 'The daily backups and those made on request.', tags, sort: ['name', 'createdAt', 'bytes'], item: backupSchema }, () => backups.list());

  defineRoute(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Make a backup now',
      description: 'A consistent copy, made while the appliance keeps serving; 409 while another is being made. No body (or `{}`). After it, the oldest backups made on request beyond the newest N (`--manual-backup-keep`, default 10) are deleted; daily ones are not touched.',
      tags,
      body: { type: 'object', additionalProperties: false },
      responses: { 201: { description: 'The new backup', schema: backupSchema } },
    },
    async (c) => {
      const backup = await backups.create();
      noteAudit(c, { action: 'backup.create', detail: backup.name });
      services.log.info('backup made on request', { file: backup.name, bytes: backup.bytes });
      return c.json(backup, 201);
    },
  );

  defineRoute(
    app,
    { method: 'get', path: '/:name', summary: 'Download a backup', tags, params: { name: { type: 'string' } }, responses: { 200: { description: 'The SQLite database file', contentType: 'application/vnd.sqlite3' } } },
    (c) => {
      const name = c.req.param('name')!;
      const file = backups.path(name);
      if (!file) throw new ApiError(404, 'not_found', `no backup ${name}`);
      return c.body(Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>, 200, {
        'content-type': 'application/vnd.sqlite3',
        'content-length': String(statSync(file).size),
        'content-disposition': attachment(name),
        'cache-control': 'no-store',
      });
    },
  );

  return app;
}
