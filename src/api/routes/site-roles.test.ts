import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

// Issue #7: the load-management installation model (circuits, stations' wiring, site settings) is the admin's;
// operators keep vehicles, a circuit's override and meter-reading pushes; viewers only read.
describe('load management by role (over the real API)', () => {
  let server: TestServer;
  let viewer: ReturnType<typeof withToken>;
  let operator: ReturnType<typeof withToken>;
  let admin: ReturnType<typeof withToken>;
  const send = (as: ReturnType<typeof withToken>, method: string, path: string, body?: unknown) =>
    as(path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

  before(async () => {
    server = await startTestServer();
    viewer = withToken(server, (await createUserWithToken(server, 'lm-vera', 'viewer')).token);
    operator = withToken(server, (await createUserWithToken(server, 'lm-otto', 'operator')).token);
    admin = withToken(server, server.token);
    assert.equal((await send(admin, 'POST', '/stations', { id: 'LMR-CP1' })).status, 201);
    assert.equal((await send(admin, 'POST', '/site/circuits', { id: 'grid', limitA: 63 })).status, 201);
    assert.equal((await send(admin, 'POST', '/site/circuits', { id: 'feeder', parentId: 'grid', limitA: 32, meter: { kind: 'push', measures: 'non-charger' } })).status, 201);
  });
  after(() => server.stop());

  const installation: Array<[string, string, unknown?]> = [
    ['POST', '/site/circuits', { id: 'new-feeder', parentId: 'grid', limitA: 16 }],
    ['PATCH', '/site/circuits/feeder', { limitA: 25 }],
    ['DELETE', '/site/circuits/feeder'],
    ['PUT', '/stations/LMR-CP1/electrical', { circuitId: 'feeder' }],
    ['DELETE', '/stations/LMR-CP1/electrical'],
    ['PATCH', '/site/config', { timeZone: 'Europe/Berlin' }],
  ];

  it('viewers and operators may not change circuits, station wiring or site settings (403, nothing changed)', async () => {
    for (const as of [viewer, operator]) {
      for (const [method, path, body] of installation) {
        const res = await send(as, method, path, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        const error = ((await res.json()) as any).error;
        assert.equal(error.code, 'forbidden');
        assert.match(error.message, /needs the admin role/);
      }
    }
    const circuits = (await (await send(admin, 'GET', '/site/circuits')).json()) as any;
    assert.deepEqual(circuits.items.map((c: any) => [c.id, c.limitA]), [['feeder', 32], ['grid', 63]]);
  });

  it('everyone signed in reads the model', async () => {
    for (const as of [viewer, operator, admin]) {
      for (const path of ['/site', '/site/config', '/site/circuits', '/site/circuits/feeder', '/site/vehicles', '/site/allocations', '/site/meters']) {
        assert.equal((await send(as, 'GET', path)).status, 200, path);
      }
    }
  });

  it('operators: vehicles, a circuit override, meter readings; viewers none of it', async () => {
    const operatorOps: Array<[string, string, unknown?, number?]> = [
      ['POST', '/site/vehicles', { id: 'van-1', name: 'Van 1' }, 201],
      ['PATCH', '/site/vehicles/van-1', { name: 'Van One' }, 200],
      ['PUT', '/site/circuits/feeder/override', { limitA: 20 }, 200],
      ['DELETE', '/site/circuits/feeder/override', undefined, 200],
      ['POST', '/site/meter-readings', { circuitId: 'feeder', currentA: [1, 2, 3] }, 202],
      ['DELETE', '/site/vehicles/van-1', undefined, 204],
    ];
    for (const [method, path, body] of operatorOps) {
      assert.equal((await send(viewer, method, path, body)).status, 403, `viewer ${method} ${path}`);
    }
    for (const [method, path, body, status] of operatorOps) {
      const res = await send(operator, method, path, body);
      assert.equal(res.status, status, `operator ${method} ${path}: ${await res.text()}`);
    }
  });

  it('admins change the installation model', async () => {
    // Deleting `feeder` needs it free of stations: take the station off first, then delete the new feeder instead.
    const steps: Array<[string, string, unknown?]> = [installation[0]!, installation[1]!, installation[3]!, installation[5]!, installation[4]!, ['DELETE', '/site/circuits/new-feeder']];
    const got = [];
    for (const [method, path, body] of steps) got.push((await send(admin, method, path, body)).status);
    assert.deepEqual(got, [201, 200, 200, 200, 204, 204]);
  });
});
