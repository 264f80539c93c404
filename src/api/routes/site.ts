import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { METER_PRESETS } from '../../balancer/meter/register-maps.ts';
import { siteProblemsOf } from '../../balancer/site/problems.ts';
import { circuitCreateSchema, circuitPatchSchema, configPatchSchema, meterReadingSchema, overrideSchema, stationElectricalSchema, vehicleCreateSchema, vehiclePatchSchema } from '../../balancer/site/schemas.ts';
import { tuningDefaults } from '../../balancer/site/tuning-defaults.ts';
import { jsonBody } from '../query.ts';
import { bodyCheckedBy } from '../openapi/checked-body.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { resourceRef, type ResourceName } from '../openapi/resource-schemas.ts';

const tags = ['Load management'];
const checked = (schema: Record<string, unknown>) => bodyCheckedBy(schema, 'the site model');
const deleted = { 204: { description: 'Deleted' } };
/** A response of one site resource, documented with its schema. */
const one = (name: ResourceName, description: string, status = 200) => ({ [status]: { description, schema: resourceRef(name) } });

/** The load-management site model, site meters and the live allocation with its reasons (`/api/v1/site`). */
export function siteRoutes(services: Services): Hono {
  const { balancer } = services;
  const { site } = balancer;
  const app = new Hono();

  defineRoute(app, { method: 'get', path: '/', summary: 'The whole site model, with its problems', tags, responses: one('SiteModel', 'The site model') }, (c) => {
    const { circuits, stations, vehicles, config } = site.snapshot();
    return c.json({ circuits, stations, vehicles, config, problems: siteProblemsOf(services) });
  });

  defineRoute(app, { method: 'get', path: '/config', summary: 'Load-management settings', tags, responses: one('SiteConfig', 'The settings') }, (c) => c.json(site.snapshot().config));
  defineRoute(app, { method: 'get', path: '/config/defaults', summary: 'What each tuning setting is when not set', tags, responses: one('SiteConfigDefaults', 'The defaults') }, (c) =>
    c.json(tuningDefaults()),
  );
  defineRoute(app, { method: 'patch', path: '/config', summary: 'Change load-management settings', tags, rawBody: checked(configPatchSchema), responses: one('SiteConfig', 'The settings as changed') }, async (c) =>
    c.json(await site.updateConfig(await jsonBody(c))),
  );

  defineList(app, { path: '/circuits', summary: 'Circuits', tags, sort: ['id', 'name', 'parentId', 'createdAt'], item: resourceRef('Circuit') }, () => site.snapshot().circuits);
  defineRoute(app, { method: 'post', path: '/circuits', summary: 'Create a circuit', tags, rawBody: checked(circuitCreateSchema), responses: one('Circuit', 'The new circuit', 201) }, async (c) =>
    c.json(await site.createCircuit(await jsonBody(c)), 201),
  );
  defineRoute(app, { method: 'get', path: '/circuits/:id', summary: 'One circuit', tags, responses: one('Circuit', 'The circuit') }, (c) => c.json(site.circuit(c.req.param('id')!)));
  defineRoute(app, { method: 'patch', path: '/circuits/:id', summary: 'Change a circuit', tags, rawBody: checked(circuitPatchSchema), responses: one('Circuit', 'The circuit as changed') }, async (c) =>
    c.json(await site.updateCircuit(c.req.param('id')!, await jsonBody(c))),
  );
  defineRoute(app, { method: 'delete', path: '/circuits/:id', summary: 'Delete a circuit', tags, responses: deleted }, async (c) => {
    await site.deleteCircuit(c.req.param('id')!);
    return c.body(null, 204);
  });
  defineRoute(
    app,
    { method: 'put', path: '/circuits/:id/override', summary: 'Limit a circuit for now', description: 'A grid operator signal, a derated feeder…: until `until`, or until removed.', tags, rawBody: checked(overrideSchema), responses: one('Circuit', 'The circuit with its override') },
    async (c) => c.json(await site.setOverride(c.req.param('id')!, await jsonBody(c))),
  );
  defineRoute(app, { method: 'delete', path: '/circuits/:id/override', summary: 'Remove a circuit’s override', tags, responses: one('Circuit', 'The circuit without an override') }, async (c) =>
    c.json(await site.clearOverride(c.req.param('id')!)),
  );

  defineList(app, { path: '/stations', summary: 'Stations in the site model', tags, sort: ['stationId', 'circuitId'], item: resourceRef('StationElectrical') }, () => site.snapshot().stations);

  defineList(app, { path: '/vehicles', summary: 'Fleet vehicles', tags, sort: ['id', 'name', 'priority', 'createdAt'], item: resourceRef('Vehicle') }, () => site.snapshot().vehicles);
  defineRoute(app, { method: 'post', path: '/vehicles', summary: 'Add a vehicle', tags, rawBody: checked(vehicleCreateSchema), responses: one('Vehicle', 'The new vehicle', 201) }, async (c) =>
    c.json(await site.createVehicle(await jsonBody(c)), 201),
  );
  defineRoute(app, { method: 'get', path: '/vehicles/:id', summary: 'One vehicle', tags, responses: one('Vehicle', 'The vehicle') }, (c) => c.json(site.vehicle(c.req.param('id')!)));
  defineRoute(app, { method: 'patch', path: '/vehicles/:id', summary: 'Change a vehicle', tags, rawBody: checked(vehiclePatchSchema), responses: one('Vehicle', 'The vehicle as changed') }, async (c) =>
    c.json(await site.updateVehicle(c.req.param('id')!, await jsonBody(c))),
  );
  defineRoute(app, { method: 'delete', path: '/vehicles/:id', summary: 'Remove a vehicle', tags, responses: deleted }, async (c) => {
    await site.deleteVehicle(c.req.param('id')!);
    return c.body(null, 204);
  });

  defineRoute(app, { method: 'get', path: '/meters', summary: 'Site meters and their state, and the meter presets', tags, responses: one('SiteMeters', 'The meters and the known models') }, (c) => c.json({ items: balancer.meterStatus(), presets: METER_PRESETS }));
  defineRoute(
    app,
    { method: 'post', path: '/meter-readings', summary: 'Push a meter reading', tags, rawBody: bodyCheckedBy(meterReadingSchema, 'the balancer'), responses: { 202: { description: 'Taken: the reading as the balancer uses it', schema: resourceRef('MeterReading') } } },
    async (c) => {
      const reading = balancer.pushReading(await jsonBody(c));
      return c.json({ ...reading, measuredAt: new Date(reading.measuredAt).toISOString() }, 202);
    },
  );

  defineRoute(app, { method: 'get', path: '/allocations', summary: 'The live allocation, with its reasons and problems', tags, responses: one('SiteAllocations', 'The allocation') }, (c) => c.json({ ...balancer.explain(), problems: siteProblemsOf(services) }));
  return app;
}

/** A station's place in the site model: `/api/v1/stations/:id/electrical`. */
export function stationElectricalRoutes(services: Services): Hono {
  const { site } = services.balancer;
  const app = new Hono();
  defineRoute(app, { method: 'get', path: '/:id/electrical', summary: 'A station’s place in the site model', tags, responses: one('StationElectrical', 'Its circuit, EVSEs and quirks') }, (c) => {
    const id = c.req.param('id')!;
    services.stations.require(id);
    const found = site.station(id);
    if (!found) throw new NotFoundError(`station ${id} is not in the site model`);
    return c.json(found);
  });
  defineRoute(app, { method: 'put', path: '/:id/electrical', summary: 'Place a station in the site model', tags, rawBody: checked(stationElectricalSchema), responses: one('StationElectrical', 'As placed') }, async (c) =>
    c.json(await site.setStation(c.req.param('id')!, await jsonBody(c))),
  );
  defineRoute(app, { method: 'delete', path: '/:id/electrical', summary: 'Take a station out of the site model', tags, responses: deleted }, async (c) => {
    await site.removeStation(c.req.param('id')!);
    return c.body(null, 204);
  });
  return app;
}
