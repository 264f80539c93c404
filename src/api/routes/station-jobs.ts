import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { attachment, idParam } from '../file-responses.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { limitParam } from '../openapi/query-params.ts';
import { itemsOf, resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Firmware'];

/** A station's firmware and diagnostics/log jobs with their status history, and the files it uploaded. */
export function stationJobRoutes(services: Services): Hono {
  const { stations, stationJobs } = services;
  const app = new Hono();
  const station = (id: string | undefined) => stations.require(id ?? '').id;
  const jobs = (path: string, kind: 'publish' | 'log', summary: string) =>
    defineRoute<{ limit: number }>(app, { method: 'get', path, summary, tags, query: { limit: limitParam(50, 500) }, responses: { 200: { description: 'Newest first', schema: itemsOf('StationJob') } } }, (c, { query }) =>
      c.json({ items: stationJobs.list(station(c.req.param('id')), kind, query.limit) }),
    );

  defineRoute<{ limit: number }>(
    app,
    {
      method: 'get',
      path: '/:id/firmware-jobs',
      summary: 'A station’s firmware version and update jobs',
      tags,
      query: { limit: limitParam(50, 500) },
      responses: {
        200: {
          description: 'The version it reports, its latest firmware status and its update jobs, newest first',
          schema: {
            type: 'object',
            required: ['firmwareVersion', 'current', 'items'],
            properties: { firmwareVersion: { type: ['string', 'null'] }, current: { oneOf: [{ type: 'null' }, resourceRef('StationFirmwareState')] }, items: { type: 'array', items: resourceRef('StationJob') } },
          },
        },
      },
    },
    (c, { query }) => {
      const found = stations.require(c.req.param('id')!);
      return c.json({ firmwareVersion: found.firmwareVersion, current: stationJobs.firmwareState(found.id), items: stationJobs.list(found.id, 'firmware', query.limit) });
    },
  );

  // OCPP 2.x PublishFirmware jobs of a local controller; `result.locations`: where it published each image.
  jobs('/:id/firmware-publications', 'publish', 'PublishFirmware jobs of a local controller');
  jobs('/:id/diagnostics-jobs', 'log', 'A station’s diagnostics and log upload jobs');

  defineRoute(app, { method: 'get', path: '/:id/jobs/:jobId', summary: 'One job, with its status history', tags, params: { jobId: { type: 'integer' } }, responses: { 200: { description: 'The job', schema: resourceRef('StationJob') } } }, (c) => {
    const id = station(c.req.param('id'));
    const job = stationJobs.get(idParam(c, 'jobId', 'job'));
    if (!job || job.stationId !== id) throw new ApiError(404, 'not_found', `no job ${c.req.param('jobId')} on station ${id}`);
    return c.json(job);
  });

  defineRoute<{ limit: number }>(app, { method: 'get', path: '/:id/files', summary: 'Files a station uploaded', tags, query: { limit: limitParam(100, 1000) }, responses: { 200: { description: 'Newest first', schema: itemsOf('StationFile') } } }, (c, { query }) =>
    c.json({ items: stationJobs.files(station(c.req.param('id')), query.limit) }),
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/:id/files/:fileId',
      summary: 'Download a file a station uploaded',
      tags,
      params: { fileId: { type: 'integer' } },
      responses: { 200: { description: 'The file as uploaded (`x-content-sha256` header)', contentType: 'application/octet-stream', schema: { type: 'string', format: 'binary' } } },
    },
    (c) => {
      const id = station(c.req.param('id'));
      const found = stationJobs.file(id, idParam(c, 'fileId', 'file'));
      if (!found) throw new ApiError(404, 'not_found', `no file ${c.req.param('fileId')} from station ${id}`);
      const headers = {
        'content-type': found.file.contentType && !/^multipart\//i.test(found.file.contentType) ? found.file.contentType : 'application/octet-stream',
        'content-length': String(found.file.size),
        'content-disposition': attachment(found.file.name),
        'x-content-sha256': found.file.sha256,
      };
      return new Response(c.req.method === 'HEAD' ? null : found.read(), { status: 200, headers });
    },
  );

  return app;
}
