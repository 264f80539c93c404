import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { declaredLength, idParam, receiving } from '../file-responses.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { listQuery, sortAndPage, type ListQuery } from '../openapi/list-query.ts';
import { itemsOf, pageOf, resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Firmware'];
const id = { id: { type: 'integer' } };

/** The firmware library: images the operator uploads for stations to download (see updateFirmware). */
export function firmwareRoutes(services: Services): Hono {
  const { firmware, stationJobs } = services;
  const app = new Hono();

  const library = { type: 'object', required: ['items', 'total', 'maxBytes'], properties: { ...pageOf('FirmwareFile')['properties'] as object, maxBytes: { type: 'integer', description: 'The largest file the library takes' } } };
  defineRoute<ListQuery>(app, { method: 'get', path: '/', summary: 'The firmware library, and the largest file it takes', tags, query: listQuery(['name', 'size', 'createdAt']), responses: { 200: { description: 'A page of the library', schema: library } } }, (c, { query }) =>
    c.json({ ...sortAndPage(firmware.list(), query), maxBytes: firmware.maxBytes }),
  );

  /** The raw file is the body (streamed to disk); its name comes in `?name=`. */
  defineRoute<{ name: string }>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Upload a firmware image',
      tags,
      query: { name: { type: 'string', minLength: 1, description: 'The file name' } },
      requiredQuery: ['name'],
      rawBody: { contentType: 'application/octet-stream', description: 'The firmware image', schema: { type: 'string', format: 'binary' } },
      responses: { 201: { description: 'The stored file', schema: resourceRef('FirmwareFile') } },
    },
    async (c, { query }) => c.json(await receiving(() => firmware.add(query.name, c.req.raw.body, declaredLength(c))), 201),
  );

  defineRoute(
    app,
    { method: 'get', path: '/states', summary: 'Every station’s latest firmware status', description: 'Stations that never reported one are not listed.', tags, responses: { 200: { description: 'The states', schema: itemsOf('StationFirmwareState') } } },
    (c) => c.json({ items: stationJobs.firmwareStates() }),
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One firmware file', tags, params: id, responses: { 200: { description: 'The file', schema: resourceRef('FirmwareFile') } } }, (c) => c.json(firmware.require(idParam(c, 'id', 'firmware file'))));

  defineRoute<{ force?: boolean }>(
    app,
    { method: 'delete', path: '/:id', summary: 'Delete a firmware file', tags, params: id, query: { force: { type: 'boolean', description: 'Even if an update is still using it' } }, responses: { 204: { description: 'Deleted' } } },
    async (c, { query }) => {
      await firmware.remove(idParam(c, 'id', 'firmware file'), query.force === true);
      return c.body(null, 204);
    },
  );

  return app;
}
