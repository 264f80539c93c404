import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { placeStation, sendJson } from '../../testing/balancer-station.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('site model: concurrent changes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  it('keeps every circuit and station saved at the same time (none overwrites another)', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid', limitA: 100 })).status, 201);
    const feeders = ['f1', 'f2', 'f3', 'f4'];
    const created = await Promise.all(feeders.map((id) => sendJson(server, 'POST', '/site/circuits', { id, parentId: 'grid', limitA: 32 })));
    assert.deepEqual(created.map((r) => r.status), [201, 201, 201, 201]);
    const stations = ['CC-1', 'CC-2', 'CC-3', 'CC-4', 'CC-5', 'CC-6'];
    await Promise.all(stations.map((id, i) => placeStation(server, id, { circuitId: feeders[i % 4], evses: [{ evseId: 1, phases: 3, maxCurrentA: 16 }] })));
    const site = server.appliance.services.balancer.site.snapshot();
    assert.deepEqual(site.circuits.map((c) => c.id), ['f1', 'f2', 'f3', 'f4', 'grid']);
    assert.deepEqual(site.stations.map((s) => s.stationId), stations);
  });
});
