import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('registry-defined routes: validation, sorting and paging', () => {
  let server: TestServer;
  const url = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
    for (const id of ['ST-B', 'ST-C', 'ST-A']) assert.equal((await postJson(url('/stations'), { id })).status, 201);
    for (const username of ['zoe', 'adam']) assert.equal((await postJson(url('/users'), { username, password: 'a-long-enough-password-1', role: 'viewer' })).status, 201);
  });
  after(() => server.stop());

  it('refuses a bad query with a 400 naming each field', async () => {
    const res = await getJson(url('/transactions?limit=0&status=paused&from=yesterday'));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation');
    assert.deepEqual(res.body.error.details.fields.map((f: { field: string }) => f.field).sort(), ['from', 'limit', 'status']);
    const sort = await getJson(url('/stations?sort=colour'));
    assert.deepEqual([sort.status, sort.body.error.details.fields[0].field], [400, 'sort']);
  });

  it('refuses a bad body with a 400 naming each field', async () => {
    const res = await postJson(url('/tariffs'), { name: '', currency: 'euro', extra: 1 });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.details.fields.map((f: { field: string }) => f.field).sort(), ['currency', 'extra', 'name']);
  });

  it('sorts lists by a field, either way, and pages them with limit and offset', async () => {
    const ids = async (query: string) => (await getJson(url(`/stations?${query}`))).body;
    assert.deepEqual((await ids('sort=id')).items.map((s: { id: string }) => s.id), ['ST-A', 'ST-B', 'ST-C']);
    assert.deepEqual((await ids('sort=-id')).items.map((s: { id: string }) => s.id), ['ST-C', 'ST-B', 'ST-A']);
    const page = await ids('sort=id&limit=1&offset=1');
    assert.deepEqual([page.items.map((s: { id: string }) => s.id), page.total], [['ST-B'], 3]);

    const users = (await getJson(url('/users?sort=-username&limit=2'))).body;
    assert.deepEqual([users.items.map((u: { username: string }) => u.username), users.total], [['zoe', 'test-admin'], 3]);
  });
});
