import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, signInWithPassword } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('sign-in with a password, session cookies and CSRF', () => {
  let server: TestServer;
  const login = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  before(async () => {
    server = await startTestServer();
    await createUserWithToken(server, 'olga', 'operator', 'olga-password');
    await createUserWithToken(server, 'lena', 'operator', 'lena-password');
    await createUserWithToken(server, 'pavel', 'viewer', 'pavel-password');
  });
  after(() => server.stop());

  it('signs in: an HTTP-only, SameSite=Strict session cookie (Secure behind TLS), the user and a CSRF token', async () => {
    const res = await login({ username: 'OLGA', password: 'olga-password' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.user.username, 'olga');
    assert.equal(body.user.role, 'operator');
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{32}$/);
    assert.equal('passwordHash' in body.user || JSON.stringify(body).includes('scrypt'), false);
    const cookie = res.headers.getSetCookie()[0]!;
    assert.match(cookie, /^ampyard_session=[A-Za-z0-9_-]{43}; Path=\/api; HttpOnly; SameSite=Strict$/);
    const proxied = await login({ username: 'olga', password: 'olga-password' }, { 'x-forwarded-proto': 'https' });
    assert.match(proxied.headers.getSetCookie()[0]!, /; Secure/);
  });

  it('a wrong password or an unknown user: the same 401, no cookie', async () => {
    for (const body of [{ username: 'olga', password: 'not-her-password' }, { username: 'nobody', password: 'whatever1' }]) {
      const res = await login(body);
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: { code: 'invalid_credentials', message: 'wrong username or password' } });
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
    const missing = await login({ username: 'olga' });
    assert.equal(missing.status, 400);
    assert.deepEqual(((await missing.json()) as any).error.details.fields, [{ field: 'password', message: 'is required' }]);
    const form = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=olga&password=olga-password' });
    assert.equal(form.status, 415, 'no sign-in from a cross-site HTML form');
  });

  it('cookie sessions need the CSRF token on changes (not on reads); API tokens do not', async () => {
    const session = await signInWithPassword(server, 'olga', 'olga-password');
    const me = await session.api('/auth/me', { csrf: false });
    assert.equal(me.status, 200);
    const meBody = (await me.json()) as any;
    assert.equal(meBody.user.username, 'olga');
    assert.equal(meBody.via, 'session');
    assert.equal(meBody.csrfToken, session.csrfToken);
    const create = (init: { csrf?: boolean; headers?: Record<string, string> }, id: string) =>
      session.api('/stations', { method: 'POST', body: JSON.stringify({ id }), ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    const missing = await create({ csrf: false }, 'CSRF-1');
    assert.equal(missing.status, 403);
    assert.equal(((await missing.json()) as any).error.code, 'csrf_failed');
    assert.equal((await create({ headers: { 'x-csrf-token': session.csrfToken.slice(1) } }, 'CSRF-1')).status, 403);
    const other = await signInWithPassword(server, 'lena', 'lena-password');
    assert.equal((await create({ headers: { 'x-csrf-token': other.csrfToken } }, 'CSRF-1')).status, 403, 'another session’s token does not fit');
    assert.equal((await create({}, 'CSRF-1')).status, 201);
    assert.equal((await server.api('/stations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"CSRF-2"}' })).status, 201, 'API tokens are exempt');
  });

  it('logout ends the session on the server: the old cookie no longer works', async () => {
    const session = await signInWithPassword(server, 'olga', 'olga-password');
    const noCsrf = await session.api('/auth/logout', { method: 'POST', csrf: false });
    assert.equal(noCsrf.status, 403, 'logout is a change too');
    const out = await session.api('/auth/logout', { method: 'POST' });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0]!, /^ampyard_session=; Max-Age=0; Path=\/api/);
    const after = await session.api('/stations', { csrf: false });
    assert.equal(after.status, 401);
    assert.match(((await after.json()) as any).error.message, /session has ended/);
  });

  it('signing in again replaces the browser’s session; a failed attempt with a leftover cookie is recorded as anonymous', async () => {
    const first = await signInWithPassword(server, 'olga', 'olga-password');
    const failed = await login({ username: 'pavel', password: 'wrong-password' }, { cookie: first.cookie });
    assert.equal(failed.status, 401);
    const entry = ((await (await server.api('/audit?action=login.failed&username=pavel')).json()) as any).items[0];
    assert.deepEqual([entry.userId, entry.username, entry.role], [null, 'pavel', null]);
    const again = await login({ username: 'olga', password: 'olga-password' }, { cookie: first.cookie });
    assert.equal(again.status, 200);
    assert.notEqual(again.headers.getSetCookie()[0]!.split(';')[0], first.cookie, 'a new session id');
    assert.equal((await first.api('/auth/me')).status, 401, 'the old session ended');
  });

  it('an expired session is refused (idle expiry is enforced by the server)', async () => {
    const session = await signInWithPassword(server, 'olga', 'olga-password');
    assert.equal((await session.api('/stations')).status, 200);
    server.appliance.services.db.prepare("UPDATE user_sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    const res = await session.api('/stations');
    assert.equal(res.status, 401);
    assert.match(res.headers.getSetCookie()[0] ?? '', /^ampyard_session=; Max-Age=0/, 'the browser is told to drop the cookie');
  });

  it('locks a user after 5 failed sign-ins: 429 with Retry-After, even with the right password; other users unaffected', async () => {
    for (let i = 1; i <= 4; i++) assert.equal((await login({ username: 'lena', password: `guess-${i}` })).status, 401, `attempt ${i}`);
    const fifth = await login({ username: 'lena', password: 'guess-5' });
    assert.equal(fifth.status, 429);
    const retryAfter = Number(fifth.headers.get('retry-after'));
    assert.ok(retryAfter > 800 && retryAfter <= 900, String(retryAfter));
    const body = (await fifth.json()) as any;
    assert.equal(body.error.code, 'too_many_attempts');
    assert.match(body.error.message, /locked for 15 more minutes/);
    assert.equal(body.error.details.retryAfterSeconds, retryAfter);
    const right = await login({ username: 'lena', password: 'lena-password' });
    assert.equal(right.status, 429, 'locked means locked');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    assert.equal((await login({ username: 'pavel', password: 'pavel-password' })).status, 200);
  });

  it('password change needs the current password, ends the other sessions and keeps this one', async () => {
    const here = await signInWithPassword(server, 'pavel', 'pavel-password');
    const elsewhere = await signInWithPassword(server, 'pavel', 'pavel-password');
    const change = (body: unknown) => here.api('/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrong = await change({ currentPassword: 'not-it', newPassword: 'pavel-new-password' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(((await wrong.json()) as any).error.details.fields, [{ field: 'currentPassword', message: 'is not your current password' }]);
    const short = await change({ currentPassword: 'pavel-password', newPassword: 'short' });
    assert.equal(short.status, 400);
    assert.deepEqual(((await short.json()) as any).error.details.fields, [{ field: 'newPassword', message: 'must be at least 8 characters' }]);
    assert.equal((await change({ currentPassword: 'pavel-password', newPassword: 'pavel-new-password' })).status, 204);
    assert.equal((await here.api('/auth/me')).status, 200);
    assert.equal((await elsewhere.api('/auth/me')).status, 401);
    assert.equal((await login({ username: 'pavel', password: 'pavel-password' })).status, 401);
    assert.equal((await login({ username: 'pavel', password: 'pavel-new-password' })).status, 200);
  });

  it('the audit log records sign-ins, failures, sign-outs and every change with user, role, status and time (admins only)', async () => {
    const session = await signInWithPassword(server, 'olga', 'olga-password');
    await session.api('/stations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"AUDITED-1"}' });
    await session.api('/stations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"AUDITED-1"}', csrf: false });
    await session.api('/auth/logout', { method: 'POST' });
    const res = await server.api('/audit?username=olga&limit=50');
    assert.equal(res.status, 200);
    const items = ((await res.json()) as any).items as any[];
    const [logout, refused, created, signedIn] = items;
    assert.deepEqual(
      { action: logout.action, method: logout.method, path: logout.path, status: logout.status, role: logout.role, via: logout.via },
      { action: 'logout', method: 'POST', path: '/api/v1/auth/logout', status: 204, role: 'operator', via: 'session' },
    );
    assert.deepEqual([refused.action, refused.status], ['request', 403]);
    assert.deepEqual([created.action, created.path, created.status, created.username, created.role], ['request', '/api/v1/stations', 201, 'olga', 'operator']);
    assert.deepEqual([signedIn.action, signedIn.status, signedIn.ip], ['login', 200, '127.0.0.1']);
    assert.ok(Date.now() - Date.parse(signedIn.at) < 60_000);
    const failed = ((await (await server.api('/audit?action=login.failed')).json()) as any).items as any[];
    assert.ok(failed.some((e) => e.username === 'lena' && e.status === 429 && e.detail === 'user-locked'));
    assert.ok(failed.some((e) => e.username === 'nobody' && e.status === 401 && e.userId === null));
    const paged = ((await (await server.api(`/audit?limit=2&beforeId=${items[0].id}`)).json()) as any).items as any[];
    assert.equal(paged.length, 2);
    assert.ok(paged.every((e) => e.id < items[0].id));
  });
});
