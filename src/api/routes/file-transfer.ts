import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { cleanFileName } from '../../domain/firmware-library.ts';
import { errorBody } from '../errors.ts';
import { attachment, byteRange, declaredLength, receiving } from '../file-responses.ts';
import { defineRoute, type HttpMethod, type RouteSpec } from '../openapi/define-route.ts';
import { record, text } from '../openapi/schema-parts.ts';

const tags = ['Station file transfer'];

/** What a station is told of its upload: the stored file (its id is the one the API's station files use). */
const uploadReceipt = record('The file as stored', { id: { type: 'integer' }, name: text, size: { type: 'integer', minimum: 0 }, sha256: text });

/**
 * What stations fetch and send over plain HTTP, outside the API and its access control: the unguessable
 * token in each URL is the authorisation. Firmware downloads (with Range, for resuming) and the one-time
 * upload URLs of diagnostics/log jobs (PUT or POST, raw body or multipart/form-data with one file).
 */
export function fileTransferRoutes(services: Services): Hono {
  const { firmware, stationJobs } = services;
  const app = new Hono();

  const binary = (description: string) => ({ description, contentType: 'application/octet-stream', schema: { type: 'string', format: 'binary' } });
  const download: RouteSpec = {
    method: 'get',
    path: '/files/firmware/:token/:name',
    summary: 'Firmware download for a station (the token in the URL is the authorisation; Range supported)',
    tags,
    security: 'public',
    responses: { 200: binary('The image'), 206: binary('The requested range') },
  };
  defineRoute(app, download, (c) => {
    const found = firmware.byToken(c.req.param('token')!);
    if (!found) return c.json(errorBody('not_found', 'no such file'), 404);
    const { size, sha256, name } = found.file;
    const range = byteRange(c.req.header('range'), size);
    const common = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'content-disposition': attachment(name),
      etag: `"${sha256}"`,
      'cache-control': 'no-store',
    };
    if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...common, 'content-range': `bytes */${size}` } });
    const part = range ?? { start: 0, end: size - 1 };
    const headers: Record<string, string> = { ...common, 'content-length': String(part.end - part.start + 1) };
    if (range) headers['content-range'] = `bytes ${part.start}-${part.end}/${size}`;
    // HEAD: no body, so that no file is opened for nothing.
    const body = c.req.method === 'HEAD' ? null : firmware.read(found.storedAs, part);
    return new Response(body, { status: range ? 206 : 200, headers });
  });

  const upload = async (c: Context) => {
    const token = c.req.param('token')!;
    if (!stationJobs.uploadTarget(token)) return c.json(errorBody('not_found', 'no upload is expected at this address'), 404);
    const meta = { name: cleanFileName(c.req.param('name')), contentType: c.req.header('content-type') ?? null, declaredLength: declaredLength(c) };
    const file = await receiving(() => stationJobs.receiveUpload(token, c.req.raw.body, meta));
    return c.json({ id: file.id, name: file.name, size: file.size, sha256: file.sha256 }, 200);
  };
  for (const method of ['put', 'post'] as HttpMethod[]) {
    for (const path of ['/uploads/:token', '/uploads/:token/:name']) {
      const rawBody = { contentType: 'application/octet-stream', description: 'The file: a raw body, or multipart/form-data with one file' };
      const responses = { 200: { description: 'Received and stored', schema: uploadReceipt } };
      defineRoute(app, { method, path, summary: 'Upload of a diagnostics or log file by a station (one-time URL)', tags, security: 'public', rawBody, responses }, upload);
    }
  }

  return app;
}
