import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

/** The display messages of an OCPP 2.x station: set by Ampyard and/or listed by the station. */
export function displayMessageRoutes(services: Services): Hono {
  const { stations, displayMessages } = services;
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/:id/display-messages', summary: 'Display messages of an OCPP 2.x station', tags: ['Stations'], responses: { 200: { description: 'Its messages and the reports asked for', schema: { type: 'object', required: ['items', 'reports'], properties: { items: { type: 'array', items: resourceRef('DisplayMessage') }, reports: { type: 'array', items: resourceRef('ReportRequest') } } } } } }, (c) => {
    const id = c.req.param('id')!;
    stations.require(id);
    return c.json(displayMessages.list(id));
  });
  return app;
}
