import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { idParam } from '../file-responses.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { itemsOf, pageOf, resourceRef } from '../openapi/resource-schemas.ts';
import { beforeIdParam, limitParam, textParam } from '../openapi/query-params.ts';

const tags = ['Diagnostics'];

/** OCPP 2.x diagnostics: events and alarms, monitor inventories, customer information. */
export function diagnosticsRoutes(services: Services): Hono {
  const { stations, stationEvents, monitoring, customerInformation } = services;
  const app = new Hono();
  const station = (id: string | undefined) => stations.require(id ?? '').id;

  defineRoute<{ limit: number; beforeId?: number }>(
    app,
    { method: 'get', path: '/stations/:id/events', summary: 'A station’s events, newest first', tags, query: { limit: limitParam(100, 1000), beforeId: beforeIdParam }, responses: { 200: { description: 'The events', schema: itemsOf('StationEvent') } } },
    (c, { query }) => c.json({ items: stationEvents.forStation(station(c.req.param('id')), query.limit, query.beforeId ?? Number.MAX_SAFE_INTEGER) }),
  );

  defineRoute<{ stationId?: string; active?: boolean; limit: number; offset: number }>(
    app,
    { method: 'get', path: '/alarms', summary: 'Alarms of all stations', tags, query: { stationId: textParam('Only this station'), active: { type: 'boolean', description: 'Only active (true) or cleared (false) alarms' }, ...pagingQuery() }, responses: { 200: { description: 'A page of alarms', schema: pageOf('StationEvent') } } },
    (c, { query }) => c.json(stationEvents.alarms(query)),
  );

  defineRoute(
    app,
    { method: 'post', path: '/alarms/:id/clear', summary: 'Clear an alarm the station will not clear itself', description: '409 if it is no longer active.', tags, params: { id: { type: 'integer' } }, responses: { 200: { description: 'The alarm, cleared', schema: resourceRef('StationEvent') } } },
    async (c) => c.json(await stationEvents.clearAlarm(idParam(c, 'id', 'alarm'))),
  );

  defineRoute(app, { method: 'get', path: '/stations/:id/monitors', summary: 'A station’s monitor inventory', tags, responses: { 200: { description: 'The inventory', schema: resourceRef('MonitorInventory') } } }, (c) => c.json(monitoring.inventory(station(c.req.param('id')))));

  defineRoute<{ limit: number }>(
    app,
    {
      method: 'get', path: '/stations/:id/customer-information', summary: 'Customer information reports of a station', tags, query: { limit: limitParam(50, 200) },
      responses: { 200: { description: 'Newest request first', schema: itemsOf('CustomerInformationRequest') } },
    },
    (c, { query }) => c.json({ items: customerInformation.list(station(c.req.param('id')), query.limit) }),
  );

  return app;
}
