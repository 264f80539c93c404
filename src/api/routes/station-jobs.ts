import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { attachment, idParam } from '../file-responses.ts';
import { intQuery } from '../query.ts';

/** A station's firmware and diagnostics/log jobs with their status history, and the files it uploaded. */
export function stationJobRoutes(services: Services): Hono {
  const { stations, stationJobs } = services;
  const app = new Hono();

  app.get('/:id/firmware-jobs', (c) => {
    const station = stations.require(c.req.param('id'));
    return c.json({
      firmwareVersion: station.firmwareVersion,
      current: stationJobs.firmwareState(station.id),
      items: stationJobs.list(station.id, 'firmware', intQuery(c, 'limit', 50, 1, 500)),
    });
  });

  // OCPP 2.x PublishFirmware jobs of a local controller; `result.locations`: where it published each image.
  app.get('/:id/firmware-publications', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: stationJobs.list(id, 'publish', intQuery(c, 'limit', 50, 1, 500)) });
  });

  app.get('/:id/diagnostics-jobs', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: stationJobs.list(id, 'log', intQuery(c, 'limit', 50, 1, 500)) });
  });

  app.get('/:id/jobs/:jobId', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const job = stationJobs.get(idParam(c, 'jobId', 'job'));
    if (!job || job.stationId !== id) throw new ApiError(404, 'not_found', `no job ${c.req.param('jobId')} on station ${id}`);
    return c.json(job);
  });

  app.get('/:id/files', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: stationJobs.files(id, intQuery(c, 'limit', 100, 1, 1000)) });
  });

  app.get('/:id/files/:fileId', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const found = stationJobs.file(id, idParam(c, 'fileId', 'file'));
    if (!found) throw new ApiError(404, 'not_found', `no file ${c.req.param('fileId')} from station ${id}`);
    const headers = {
      'content-type': found.file.contentType && !/^multipart\//i.test(found.file.contentType) ? found.file.contentType : 'application/octet-stream',
      'content-length': String(found.file.size),
      'content-disposition': attachment(found.file.name),
      'x-content-sha256': found.file.sha256,
    };
    return new Response(c.req.method === 'HEAD' ? null : found.read(), { status: 200, headers });
  });

  return app;
}
