import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../log/logger.ts';
import { signInWithPassword, withToken } from '../../testing/auth.ts';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('API tokens and user management; secrets stay secret', () => {
  let server: TestServer;
  const logLines: string[] = [];
  /** Every answer, except token creations (which show their secret, once, by design). */
  const bodies: string[] = [];
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await server.api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!(method === 'POST' && path === '/tokens')) bodies.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  before(async () => {
    server = await startTestServer({ logLevel: 'debug' }, { log: createLogger('debug', {}, (line) => logLines.push(line) > 0) });
  });
  after(() => server.stop());

  it('a token is shown once at creation, listed without its secret, works as its user, and stops working when revoked', async () => {
    assert.equal((await send('POST', '/users', { username: 'integration', password: 'integration-pw', role: 'operator' })).status, 201);
    const created = await send('POST', '/tokens', { username: 'integration', name: 'ERP sync' });
    assert.equal(created.status, 201);
    const secret = created.body.token as string;
    assert.match(secret, /^ampy_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      { name: created.body.name, username: created.body.username, prefix: created.body.prefix, lastUsedAt: created.body.lastUsedAt },
      { name: 'ERP sync', username: 'integration', prefix: secret.slice(0, 9), lastUsedAt: null },
    );
    const erp = withToken(server, secret);
    const me = (await (await erp('/auth/me')).json()) as any;
    assert.deepEqual([me.user.username, me.user.role, me.via, me.csrfToken], ['integration', 'operator', 'token', undefined]);

    const listed = await send('GET', '/tokens?username=integration');
    assert.equal(listed.body.total, 1);
    assert.equal(listed.body.items[0].id, created.body.id);
    assert.ok(listed.body.items[0].lastUsedAt, 'last use is recorded');
    assert.ok(!JSON.stringify(listed.body).includes(secret.slice(9)), 'the list never holds the secret');
    assert.deepEqual(Object.keys(listed.body.items[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'userId', 'username']);
    const stored = server.appliance.services.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(created.body.id) as Record<string, unknown>;
    assert.ok(!Object.values(stored).some((v) => typeof v === 'string' && v.includes(secret.slice(9))), 'the database holds a hash only');

    assert.equal((await send('DELETE', `/tokens/${created.body.id}`)).status, 204);
    assert.equal((await erp('/stations')).status, 401);
    assert.equal((await send('DELETE', `/tokens/${created.body.id}`)).status, 404);
    assert.equal((await send('GET', '/tokens?username=nobody')).status, 404);
    const bad = await send('POST', '/tokens', { username: 'nobody' });
    assert.deepEqual([bad.status, bad.body.error.details.fields], [400, [{ field: 'username', message: 'is not a user' }]]);
  });

  it('users CRUD with field-level errors; the last admin cannot be demoted, disabled or deleted', async () => {
    const invalid = await send('POST', '/users', { username: ' bad name', password: 'short', role: 'root' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.error.details.fields.map((f: any) => f.field), ['username', 'password', 'role']);
    assert.equal((await send('POST', '/users', { username: 'extra', password: 'x'.repeat(10), role: 'viewer', isAdmin: true })).status, 400);
    const created = await send('POST', '/users', { username: 'Maja', password: 'maja-password', role: 'viewer' });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), ['createdAt', 'disabled', 'id', 'lastLoginAt', 'passwordChangedAt', 'role', 'updatedAt', 'username']);
    const taken = await send('POST', '/users', { username: 'maja', password: 'maja-password', role: 'viewer' });
    assert.deepEqual([taken.status, taken.body.error.details.fields], [400, [{ field: 'username', message: 'is already taken' }]]);

    const id = created.body.id;
    assert.equal((await send('GET', `/users/${id}`)).body.username, 'Maja');
    assert.equal((await send('GET', '/users/999999')).status, 404);
    assert.equal((await send('GET', '/users/abc')).status, 404);
    assert.equal((await send('PATCH', `/users/${id}`, { role: 'operator' })).body.role, 'operator');
    const session = await signInWithPassword(server, 'maja', 'maja-password');
    assert.equal((await send('PATCH', `/users/${id}`, { password: 'maja-reset-password' })).status, 200);
    assert.equal((await session.api('/auth/me')).status, 401, 'an admin password reset ends the user’s sessions');
    await signInWithPassword(server, 'maja', 'maja-reset-password');

    const adminId = server.appliance.services.auth.users.byUsername(server.admin.username)!.id;
    for (const change of [{ role: 'operator' }, { disabled: true }]) {
      const res = await send('PATCH', `/users/${adminId}`, change);
      assert.equal(res.status, 409, JSON.stringify(change));
      assert.match(res.body.error.message, /last enabled admin/);
    }
    assert.equal((await send('DELETE', `/users/${adminId}`)).status, 409);
    assert.equal((await send('PATCH', `/users/${id}`, { role: 'admin' })).status, 200);
    assert.equal((await send('PATCH', `/users/${adminId}`, { role: 'operator' })).status, 200, 'with a second admin it is allowed');
    assert.equal((await send('PATCH', `/users/${adminId}`, { role: 'admin' })).status, 403, 'the test admin is an operator now');
    const maja = await signInWithPassword(server, 'maja', 'maja-reset-password');
    assert.equal((await maja.api(`/users/${adminId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"role":"admin"}' })).status, 200);

    const { token } = ((await send('POST', '/tokens', { username: 'maja' })).body) as { token: string };
    assert.equal((await send('DELETE', `/users/${id}`)).status, 204);
    assert.equal((await withToken(server, token)('/stations')).status, 401, 'a deleted user’s tokens go with it');
    assert.equal((await maja.api('/auth/me')).status, 401, 'and so do the sessions');
  });

  it('the raw-client helpers send the test admin’s token by default; an explicit header wins', async () => {
    assert.equal((await getJson(api('/users'))).status, 200);
    assert.equal((await postJson(api('/stations'), { id: 'HELPER-1' })).status, 201);
    assert.equal((await getJson(api('/users'), { headers: { authorization: 'Bearer nope' } })).status, 401);
  });

  it('no password, token, session id, CSRF token or hash appears in the log or in any answer', async () => {
    const password = 'very-secret-password-42';
    await send('POST', '/users', { username: 'quinn', password, role: 'operator' });
    const session = await signInWithPassword(server, 'quinn', password);
    const sessionId = session.cookie.split('=')[1]!;
    await fetch(api('/auth/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'quinn', password: 'wrong-secret-password' }) });
    const token = (await send('POST', '/tokens', { username: 'quinn' })).body.token as string;
    await withToken(server, token)('/stations/NOPE/commands/reset', { method: 'POST', body: '{' });
    await session.api('/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ currentPassword: password, newPassword: 'another-secret-password' }) });
    for (const path of ['/users', '/tokens', '/audit?limit=1000', '/settings']) bodies.push(await (await server.api(path)).text());
    const hashes = (server.appliance.services.db.prepare('SELECT password_hash AS h FROM users').all() as Array<{ h: string }>).map((r) => r.h);
    const secrets = [password, 'wrong-secret-password', 'another-secret-password', server.admin.password, server.token, token, sessionId, ...hashes, 'scrypt$'];
    const logText = logLines.join('\n');
    for (const event of ['signed in user=quinn', 'sign-in failed user=quinn', 'API token created', 'password changed user=quinn']) assert.ok(logText.includes(event), `the log tells: ${event}`);
    for (const secret of secrets) {
      assert.ok(!logText.includes(secret), `log contains ${secret.slice(0, 12)}…`);
      for (const body of bodies) assert.ok(!body.includes(secret), `an answer contains ${secret.slice(0, 12)}…`);
    }
    const csrfInAudit = bodies.some((b) => b.includes(session.csrfToken));
    assert.equal(csrfInAudit || logText.includes(session.csrfToken), false);
  });
});
