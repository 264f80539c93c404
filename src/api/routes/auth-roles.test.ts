import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('who may do what (roles over the real API)', () => {
  let server: TestServer;
  let viewer: ReturnType<typeof withToken>;
  let operator: ReturnType<typeof withToken>;
  let admin: ReturnType<typeof withToken>;
  const anonymous = (path: string, init?: RequestInit) => fetch(`${server.baseUrl}${path}`, init);

  before(async () => {
    server = await startTestServer();
    viewer = withToken(server, (await createUserWithToken(server, 'vera', 'viewer')).token);
    operator = withToken(server, (await createUserWithToken(server, 'otto', 'operator')).token);
    admin = withToken(server, server.token);
    assert.equal((await admin('/stations', json({ id: 'ROLE-CP' }))).status, 201);
  });
  after(() => server.stop());

  it('without credentials: 401 on every API route, also unknown ones; health, the UI and the chargers’ file URLs stay open', async () => {
    for (const [method, path] of [['GET', '/api/v1/stations'], ['POST', '/api/v1/stations'], ['GET', '/api/v1/users'], ['GET', '/api/v1/not-a-route'], ['GET', '/api/v1/events'], ['DELETE', '/api/v1/tokens/1']] as const) {
      const res = await anonymous(path, { method });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="ampyard"');
      assert.equal(((await res.json()) as any).error.code, 'unauthenticated');
    }
    const health = await anonymous('/api/v1/health');
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as any).status, 'ok');
    assert.equal((await anonymous('/')).status, 200, 'the UI page itself (it asks for sign-in)');
    assert.equal((await anonymous('/files/firmware/AAAAAAAAAAAAAAAAAAAAAAAA/x.bin')).status, 404, 'firmware downloads are not behind the login');
    assert.equal((await anonymous('/uploads/not-a-token', { method: 'PUT', body: 'x' })).status, 404, 'log uploads are not behind the login');
  });

  it('a malformed Authorization header or an unknown token is 401, never a fallback to anonymous', async () => {
    for (const value of ['Basic dGVzdDp0ZXN0', 'Bearer', `Bearer ${server.token}x`, 'Bearer ampy_' + 'A'.repeat(43), server.token]) {
      assert.equal((await anonymous('/api/v1/stations', { headers: { authorization: value } })).status, 401, value);
    }
  });

  it('viewer: reads everything but changes nothing', async () => {
    for (const path of ['/stations', '/stations/ROLE-CP', '/settings', '/transactions', '/id-tokens', '/auth/me']) {
      assert.equal((await viewer(path)).status, 200, `GET ${path}`);
    }
    const stream = await viewer('/events');
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    await stream.body?.cancel();
    for (const [path, init] of [
      ['/stations', json({ id: 'V-1' })],
      ['/stations/ROLE-CP/approve', { method: 'POST' }],
      ['/stations/ROLE-CP/commands/reset', json({})],
      ['/id-tokens', json({ token: 'AB12' })],
      ['/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"freeVend":true}' }],
      ['/not-yet-written', { method: 'POST' }],
    ] as const) {
      const res = await viewer(path, init);
      assert.equal(res.status, 403, `${init.method} ${path}`);
      assert.match(((await res.json()) as any).error.message, /needs the (operator|admin) role; you are viewer/);
    }
    for (const path of ['/users', '/tokens', '/audit']) assert.equal((await viewer(path)).status, 403, `GET ${path}`);
  });

  it('operator: operates stations and sessions; no users, tokens, audit, settings or security', async () => {
    assert.equal((await operator('/stations', json({ id: 'OP-1' }))).status, 201);
    assert.equal((await operator('/stations/ROLE-CP/approve', { method: 'POST' })).status, 200);
    const reset = await operator('/stations/ROLE-CP/commands/reset', json({ type: 'soft' }));
    assert.equal(reset.status, 409, 'allowed: it reaches the station (which is offline)');
    assert.equal(((await reset.json()) as any).error.code, 'station_offline');
    assert.equal((await operator('/id-tokens', json({ token: 'OPTOKEN1' }))).status, 201);
    assert.equal((await operator('/not-yet-written', { method: 'POST' })).status, 404, 'a route added later is open to operators by default');
    for (const [path, init] of [
      ['/users', { method: 'GET' }],
      ['/users', json({ username: 'x', password: 'long enough', role: 'admin' })],
      ['/tokens', json({ username: 'otto' })],
      ['/audit', { method: 'GET' }],
      ['/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"freeVend":true}' }],
      ['/stations/ROLE-CP/commands/installCertificate', json({ certificateType: 'CSMSRootCertificate', certificate: 'x' })],
      ['/stations/ROLE-CP/ocpp/Reset', json({ type: 'Soft' })],
      ['/%75sers', { method: 'GET' }],
    ] as const) {
      assert.equal((await operator(path, init)).status, 403, `${init.method} ${path}`);
    }
  });

  it('admin: everything', async () => {
    for (const path of ['/users', '/tokens', '/audit', '/stations']) assert.equal((await admin(path)).status, 200, `GET ${path}`);
    const settings = await admin('/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"siteName":"Depot 9"}' });
    assert.equal(settings.status, 200);
    assert.equal(((await settings.json()) as any).siteName, 'Depot 9');
    const install = await admin('/stations/ROLE-CP/commands/installCertificate', json({ certificateType: 'CSMSRootCertificate', certificate: 'x' }));
    assert.notEqual(install.status, 403);
    assert.notEqual(install.status, 401);
  });

  it('a role change applies to the user’s token at once; a disabled user’s token stops working', async () => {
    const { id, token } = await createUserWithToken(server, 'rhea', 'viewer');
    const rhea = withToken(server, token);
    assert.equal((await rhea('/stations', json({ id: 'RHEA-1' }))).status, 403);
    assert.equal((await admin(`/users/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"role":"operator"}' })).status, 200);
    assert.equal((await rhea('/stations', json({ id: 'RHEA-1' }))).status, 201);
    assert.equal((await admin(`/users/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"disabled":true}' })).status, 200);
    assert.equal((await rhea('/stations')).status, 401);
  });
});
