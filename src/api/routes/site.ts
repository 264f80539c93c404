import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { METER_PRESETS } from '../../balancer/meter/register-maps.ts';
import { siteProblemsOf } from '../../balancer/site/problems.ts';
import { jsonBody } from '../query.ts';

/** The load-management site model, site meters and the live allocation with its reasons (`/api/v1/site`). */
export function siteRoutes(services: Services): Hono {
  const { balancer } = services;
  const { site } = balancer;
  const app = new Hono();

  app.get('/', (c) => {
    const { circuits, stations, vehicles, config } = site.snapshot();
    return c.json({ circuits, stations, vehicles, config, problems: siteProblemsOf(services) });
  });

  app.get('/config', (c) => c.json(site.snapshot().config));
  app.patch('/config', async (c) => c.json(await site.updateConfig(await jsonBody(c))));

  app.get('/circuits', (c) => {
    const items = site.snapshot().circuits;
    return c.json({ items, total: items.length });
  });
  app.post('/circuits', async (c) => c.json(await site.createCircuit(await jsonBody(c)), 201));
  app.get('/circuits/:id', (c) => c.json(site.circuit(c.req.param('id'))));
  app.patch('/circuits/:id', async (c) => c.json(await site.updateCircuit(c.req.param('id'), await jsonBody(c))));
  app.delete('/circuits/:id', async (c) => {
    await site.deleteCircuit(c.req.param('id'));
    return c.body(null, 204);
  });
  /** A limit for now (grid operator signal, derated feeder), until `until` or until removed. */
  app.put('/circuits/:id/override', async (c) => c.json(await site.setOverride(c.req.param('id'), await jsonBody(c))));
  app.delete('/circuits/:id/override', async (c) => c.json(await site.clearOverride(c.req.param('id'))));

  app.get('/stations', (c) => {
    const items = site.snapshot().stations;
    return c.json({ items, total: items.length });
  });

  app.get('/vehicles', (c) => {
    const items = site.snapshot().vehicles;
    return c.json({ items, total: items.length });
  });
  app.post('/vehicles', async (c) => c.json(await site.createVehicle(await jsonBody(c)), 201));
  app.get('/vehicles/:id', (c) => c.json(site.vehicle(c.req.param('id'))));
  app.patch('/vehicles/:id', async (c) => c.json(await site.updateVehicle(c.req.param('id'), await jsonBody(c))));
  app.delete('/vehicles/:id', async (c) => {
    await site.deleteVehicle(c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/meters', (c) => c.json({ items: balancer.meterStatus(), presets: METER_PRESETS }));
  app.post('/meter-readings', async (c) => {
    const reading = balancer.pushReading(await jsonBody(c));
    return c.json({ ...reading, measuredAt: new Date(reading.measuredAt).toISOString() }, 202);
  });

  app.get('/allocations', (c) => c.json({ ...balancer.explain(), problems: siteProblemsOf(services) }));
  return app;
}

/** A station's place in the site model: `/api/v1/stations/:id/electrical`. */
export function stationElectricalRoutes(services: Services): Hono {
  const { site } = services.balancer;
  const app = new Hono();
  app.get('/:id/electrical', (c) => {
    const id = c.req.param('id');
    services.stations.require(id);
    const found = site.station(id);
    if (!found) throw new NotFoundError(`station ${id} is not in the site model`);
    return c.json(found);
  });
  app.put('/:id/electrical', async (c) => c.json(await site.setStation(c.req.param('id'), await jsonBody(c))));
  app.delete('/:id/electrical', async (c) => {
    await site.removeStation(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
