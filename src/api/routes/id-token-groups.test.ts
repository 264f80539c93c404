import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const send = (method: string, body?: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('ID-token groups API', () => {
  let server: TestServer;
  let viewer: ReturnType<typeof withToken>;
  before(async () => {
    server = await startTestServer();
    viewer = withToken(server, (await createUserWithToken(server, 'vera', 'viewer')).token);
  });
  after(() => server.stop());

  it('creates, lists with member counts, relabels and deletes a group', async () => {
    const created = await server.api('/id-token-groups', send('POST', { id: 'NIGHT', label: 'Night shift' }));
    assert.equal(created.status, 201);
    assert.deepEqual(((await created.json()) as any).members, 0);
    assert.equal((await server.api('/id-tokens', send('POST', { token: 'CARD-1', groupId: 'NIGHT' }))).status, 201);

    const list = (await (await viewer('/id-token-groups')).json()) as any;
    assert.deepEqual(list.items.map((g: any) => [g.id, g.label, g.members]), [['NIGHT', 'Night shift', 1]]);

    const relabelled = await server.api('/id-token-groups/NIGHT', send('PATCH', { label: 'Nights' }));
    assert.equal(((await relabelled.json()) as any).label, 'Nights');

    const inUse = await server.api('/id-token-groups/NIGHT', send('DELETE'));
    assert.equal(inUse.status, 409, 'a group with tokens is not deleted');
    assert.equal((await server.api('/id-tokens/CARD-1', send('PATCH', { groupId: null }))).status, 200);
    assert.equal((await server.api('/id-token-groups/NIGHT', send('DELETE'))).status, 204);
    assert.equal((await server.api('/id-token-groups/NIGHT')).status, 404);
  });

  it('answers field errors, a duplicate with 409, and refuses viewers changes', async () => {
    const bad = await server.api('/id-token-groups', send('POST', { id: 'has space', colour: 'red' }));
    assert.equal(bad.status, 400);
    const fields = ((await bad.json()) as any).error.details.fields.map((f: any) => f.field).sort();
    assert.deepEqual(fields, ['colour', 'id']);
    assert.equal((await server.api('/id-token-groups', send('POST', { id: 'DAY' }))).status, 201);
    assert.equal((await server.api('/id-token-groups', send('POST', { id: 'DAY' }))).status, 409);
    assert.equal((await viewer('/id-token-groups', send('POST', { id: 'VIEW' }))).status, 403);
  });

  it('refuses an ID token whose groupId names no group, on create and on change, with a field error', async () => {
    const fieldsOf = async (res: Response) => {
      assert.equal(res.status, 400);
      const { error } = (await res.json()) as any;
      assert.equal(error.code, 'validation');
      return error.details.fields;
    };
    const created = await fieldsOf(await server.api('/id-tokens', send('POST', { token: 'CARD-X', groupId: 'NO-SUCH' })));
    assert.deepEqual(created, [{ field: 'groupId', message: 'names no ID-token group "NO-SUCH"; create it under /api/v1/id-token-groups first' }]);
    assert.equal((await server.api('/id-tokens/CARD-X')).status, 404, 'nothing was stored');

    assert.equal((await server.api('/id-token-groups', send('POST', { id: 'REAL' }))).status, 201);
    assert.equal((await server.api('/id-tokens', send('POST', { token: 'CARD-X', groupId: 'REAL' }))).status, 201);
    const changed = await fieldsOf(await server.api('/id-tokens/CARD-X', send('PATCH', { groupId: 'GONE', label: 'x' })));
    assert.deepEqual(changed.map((f: any) => f.field), ['groupId']);
    const kept = (await (await server.api('/id-tokens/CARD-X')).json()) as any;
    assert.deepEqual([kept.groupId, kept.label], ['REAL', null], 'the refused change left the token as it was');
    assert.equal((await server.api('/id-tokens/CARD-X', send('PATCH', { groupId: null }))).status, 200, 'no group is fine');
    assert.equal((await server.api('/id-tokens/NOBODY', send('PATCH', { groupId: 'GONE' }))).status, 404, 'an unknown token is still a 404');
  });
});
