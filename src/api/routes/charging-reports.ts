import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { itemsOf } from '../openapi/resource-schemas.ts';
import { schemaRef } from '../openapi/schema-parts.ts';
import { limitParam } from '../openapi/query-params.ts';

const tags = ['Smart charging'];

/**
 * What OCPP 2.x stations report for smart charging (mounted under /stations): the profiles they hold, limits
 * set on them from outside Ampyard, and what ISO 15118 EVs need and plan.
 */
export function chargingReportRoutes(services: Services): Hono {
  const { stations, chargingProfileReports, chargingLimits, evCharging } = services;
  const app = new Hono();
  const station = (id: string | undefined) => stations.require(id ?? '').id;

  defineRoute<{ limit: number }>(
    app,
    {
      method: 'get', path: '/:id/charging-profile-reports', summary: 'Charging profile reports of a station', tags, query: { limit: limitParam(20, 200) },
      responses: { 200: { description: 'Newest request first', schema: itemsOf('ChargingProfileReport') } },
    },
    (c, { query }) => c.json({ items: chargingProfileReports.list(station(c.req.param('id')), query.limit) }),
  );

  defineRoute(
    app,
    {
      method: 'get', path: '/:id/charging-profile-reports/:requestId', summary: 'One charging profile report', tags, params: { requestId: { type: 'integer' } },
      responses: { 200: { description: 'The request and what was reported for it', schema: schemaRef('ChargingProfileReport') } },
    },
    (c) => {
      const id = station(c.req.param('id'));
      const raw = c.req.param('requestId')!;
      const report = /^\d{1,10}$/.test(raw) ? chargingProfileReports.get(id, Number(raw)) : undefined;
      if (!report) throw new ApiError(404, 'not_found', `no charging profile report ${raw} from station ${id}`);
      return c.json(report);
    },
  );

  defineRoute(app, { method: 'get', path: '/:id/charging-limits', summary: 'Limits set on a station from outside Ampyard', tags, responses: { 200: { description: 'The limits in force', schema: itemsOf('ChargingLimit') } } }, (c) => c.json({ items: chargingLimits.list(station(c.req.param('id'))) }));
  defineRoute(
    app,
    { method: 'get', path: '/:id/ev-charging-needs', summary: 'What ISO 15118 EVs at a station need', tags, responses: { 200: { description: 'The latest needs per EVSE', schema: itemsOf('EvChargingNeeds') } } },
    (c) => c.json({ items: evCharging.needs(station(c.req.param('id'))) }),
  );
  defineRoute(
    app,
    { method: 'get', path: '/:id/ev-charging-schedules', summary: 'What ISO 15118 EVs at a station plan', tags, responses: { 200: { description: 'The latest EV schedule per EVSE', schema: itemsOf('EvChargingSchedule') } } },
    (c) => c.json({ items: evCharging.schedules(station(c.req.param('id'))) }),
  );
  return app;
}
