import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, signInWithPassword, withToken } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

/** Reads an open event stream to its end (or fails after `ms`); returns everything it sent. */
async function readToEnd(res: Response, ms = 5_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => reader.cancel(new Error('the stream did not end')).catch(() => undefined), ms);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  return text;
}

/** Waits until the stream has sent its `hello` (so it is subscribed), keeping the rest readable. */
async function opened(res: Response): Promise<Response> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const [probe, rest] = res.body!.tee();
  const reader = probe.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: hello')) {
    const { done, value } = await reader.read();
    if (done) throw new Error('the stream ended before hello');
    text += decoder.decode(value, { stream: true });
  }
  reader.cancel().catch(() => undefined);
  return new Response(rest);
}

describe('the live event stream ends when its credential stops being valid', () => {
  let server: TestServer;
  let olga: { id: number; token: string; password: string };
  const json = { 'content-type': 'application/json' };

  before(async () => {
    server = await startTestServer();
    olga = await createUserWithToken(server, 'olga', 'operator', 'olga-password');
  });
  after(() => server.stop());

  it('logging out from another request ends the stream opened with that session cookie', async () => {
    const session = await signInWithPassword(server, 'olga', 'olga-password');
    const other = await signInWithPassword(server, 'olga', 'olga-password');
    const stream = await opened(await session.api('/events', { csrf: false }));
    const started = Date.now();
    const out = await session.api('/auth/logout', { method: 'POST' });
    assert.equal(out.status, 204);
    const text = await readToEnd(stream);
    assert.match(text, /event: signed-out/);
    assert.ok(Date.now() - started < 3_000, 'promptly, not at the periodic re-check');
    // The other session of the same user is untouched.
    const still = await opened(await other.api('/events', { csrf: false }));
    await still.body!.cancel();
    assert.equal((await session.api('/events', { csrf: false })).status, 401);
  });

  it('revoking the API token ends the stream opened with it; other tokens keep streaming', async () => {
    const api = withToken(server, olga.token);
    const stream = await opened(await api('/events'));
    const adminStream = await opened(await server.api('/events'));
    const tokens = (await (await server.api('/tokens')).json()) as any;
    const list: Array<{ id: number; username: string }> = Array.isArray(tokens) ? tokens : tokens.items;
    const mine = list.find((t) => t.username === 'olga');
    assert.ok(mine);
    assert.equal((await server.api(`/tokens/${mine.id}`, { method: 'DELETE' })).status, 204);
    assert.match(await readToEnd(stream), /event: signed-out/);
    // The admin's stream goes on: a domain event still arrives on it.
    assert.equal((await server.api('/stations', { method: 'POST', headers: json, body: '{"id":"EV-STREAM-1"}' })).status, 201);
    const reader = adminStream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('EV-STREAM-1')) {
      const { done, value } = await reader.read();
      assert.equal(done, false, 'the admin stream ended');
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
  });

  it('disabling the user, or an admin resetting the password, ends their streams', async () => {
    const user = await createUserWithToken(server, 'nina', 'viewer', 'nina-password');
    const session = await signInWithPassword(server, 'nina', 'nina-password');
    const bySession = await opened(await session.api('/events', { csrf: false }));
    const byToken = await opened(await withToken(server, user.token)('/events'));
    assert.equal((await server.api(`/users/${user.id}`, { method: 'PATCH', headers: json, body: '{"disabled":true}' })).status, 200);
    assert.match(await readToEnd(bySession), /event: signed-out/);
    assert.match(await readToEnd(byToken), /event: signed-out/);

    const pia = await createUserWithToken(server, 'pia', 'viewer', 'pia-password');
    const piaSession = await signInWithPassword(server, 'pia', 'pia-password');
    const piaStream = await opened(await piaSession.api('/events', { csrf: false }));
    assert.equal((await server.api(`/users/${pia.id}`, { method: 'PATCH', headers: json, body: '{"password":"another-password"}' })).status, 200);
    assert.match(await readToEnd(piaStream), /event: signed-out/);
  });

  it('deleting the user ends their streams', async () => {
    const user = await createUserWithToken(server, 'gone', 'viewer', 'gone-password');
    const stream = await opened(await withToken(server, user.token)('/events'));
    assert.equal((await server.api(`/users/${user.id}`, { method: 'DELETE' })).status, 204);
    assert.match(await readToEnd(stream), /event: signed-out/);
  });
});
