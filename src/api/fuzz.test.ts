import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpApp } from './app.ts';
import { changedTables, domainSnapshot } from '../testing/db-snapshot.ts';
import { prng, testSeed, type Prng } from '../testing/prng.ts';
import { getJson, postJson, withDefaultHeaders } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

type Body = { text: string | Buffer; contentType?: string; what: string };

/** Bodies no route can accept: not JSON, not an object, or far too big. */
function malformedBody(random: Prng): Body {
  const json = 'application/json';
  switch (random.int(0, 11)) {
    case 0:
      return { text: random.pick(['{', '{"a":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '{"a":01}', '\u0000', '{"a":1,}']), contentType: json, what: 'broken JSON' };
    case 1:
      return { text: random.pick(['[]', '[{}]', '42', '-0.5', '"text"', 'true', 'null']), contentType: json, what: 'JSON that is not an object' };
    case 2:
      return { text: random.string(random.int(1, 200), '{}[]":,abc123 \\\n\u00e9'), contentType: json, what: 'random text' };
    case 3:
      return { text: random.bytes(random.int(1, 300)), contentType: json, what: 'random bytes' };
    case 4:
      return { text: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: json, what: 'invalid UTF-8' };
    case 5: {
      const depth = random.pick([1_000, 20_000]);
      return { text: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), contentType: json, what: `nesting ${depth} deep` };
    }
    case 6:
      return { text: JSON.stringify({ [random.string(8)]: 'x'.repeat(random.pick([100_000, 2_000_000])) }), contentType: json, what: 'large body' };
    case 7:
      return { text: Buffer.alloc(9 * 1024 * 1024, 0x20), contentType: json, what: '9 MiB body' };
    case 8:
      return { text: JSON.stringify({ [random.string(6)]: random.int(0, 9), __proto__x: { polluted: true }, constructor: { prototype: { polluted: true } } }), contentType: json, what: 'unknown fields' };
    case 9:
      return { text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded', what: 'form body' };
    case 10:
      return { text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', contentType: 'multipart/form-data; boundary=x', what: 'multipart body' };
    default:
      return { text: '{"a":1', contentType: random.pick(['text/plain', 'application/json; charset=utf-16']), what: 'broken JSON, odd content type' };
  }
}

interface Case {
  method: string;
  path: string;
  valid: Record<string, unknown>;
  /** Values each field must refuse. */
  bad: Record<string, unknown[]>;
  required?: string[];
}

const long = (n: number) => 'L'.repeat(n);

/** JSON routes with a valid body each; every mutation of it below must be refused with a 4xx. */
const cases: Case[] = [
  { method: 'POST', path: '/stations', valid: { id: 'FZ-NEW' }, required: ['id'], bad: { id: [5, null, '', long(49), 'has space', {}, [], long(1_000_000)], securityProfile: [4, '1', null], password: ['short', 7] } },
  { method: 'PATCH', path: '/stations/API-ST', valid: { quirks: { idTagSuffixSeparator: '-' } }, bad: { quirks: ['x', 5, [], null, { idTagSuffixSeparator: '' }, { idTagSuffixSeparator: 'toolong' }, { idTagSuffixSeparator: 5 }] } },
  {
    method: 'POST',
    path: '/id-tokens',
    valid: { token: 'FZTOK' },
    required: ['token'],
    bad: { token: ['', 'has space', long(37), 5, null], type: ['NFC', 5], status: ['deleted', true], expiresAt: ['tomorrow', 5], groupId: ['', long(37), 3], label: [long(201), 5] },
  },
  { method: 'PATCH', path: '/id-tokens/TOK-1', valid: { label: 'renamed' }, bad: { status: ['deleted', 1], expiresAt: ['soon', []], groupId: ['', long(37)], label: [long(201), {}], type: ['RFID'] } },
  { method: 'PATCH', path: '/settings', valid: { freeVend: true }, bad: { freeVend: ['yes', 1, null], remoteStartTimeoutSeconds: [0, 3601, 1.5, '10', null] } },
  { method: 'PUT', path: '/local-list/tokens/TOK-1', valid: { included: false }, required: ['included'], bad: { included: ['false', 0, null, {}] } },
  { method: 'POST', path: '/stations/API-ST/commands/reset', valid: { type: 'Soft' }, bad: { type: ['Warm', 5, null] } },
  { method: 'POST', path: '/tokens', valid: { username: 'test-admin' }, required: ['username'], bad: { username: ['', 5, null, []], name: [5, {}] } },
  { method: 'POST', path: '/users', valid: { username: 'fz-user', password: 'a-long-enough-password-1', role: 'viewer' }, required: ['username', 'password', 'role'], bad: { username: [5, '', null], password: ['short', 5], role: ['god', 5] } },
];

/** One invalid variant of a case's valid body. */
function mutate(random: Prng, c: Case): { body: unknown; what: string } {
  const body: Record<string, unknown> = structuredClone(c.valid);
  const roll = random.int(0, 9);
  if (roll === 0) {
    body[`zz${random.string(5)}`] = random.pick([1, 'x', null, {}, []]);
    return { body, what: 'unknown field' };
  }
  if (roll === 1 && c.required?.length) {
    const field = random.pick(c.required);
    delete body[field];
    return { body, what: `missing ${field}` };
  }
  const field = random.pick(Object.keys(c.bad));
  const value = random.pick(c.bad[field]!);
  body[field] = value;
  return { body, what: `${field} = ${JSON.stringify(value)?.slice(0, 40)}` };
}

async function send(server: TestServer, method: string, path: string, body: Body | undefined): Promise<{ status: number; text: string }> {
  const url = `${server.baseUrl}/api/v1${path}`;
  const headers: Record<string, string> = body?.contentType ? { 'content-type': body.contentType } : {};
  const res = await fetch(url, withDefaultHeaders(url, { method, headers, body: body?.text as BodyInit | undefined }));
  return { status: res.status, text: await res.text() };
}

/** Problems with an error response: a 5xx, or a body that is not `{error:{code,message}}`. */
function errorShapeProblem(status: number, text: string): string | undefined {
  if (status >= 500) return `HTTP ${status}: ${text.slice(0, 200)}`;
  if (status < 400) return undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') return `HTTP ${status} without {error:{code,message}}: ${text.slice(0, 200)}`;
  } catch {
    return `HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  return undefined;
}

describe('hostile REST API input', () => {
  it('answers malformed, mistyped, unknown-field and oversized bodies on every mutating route with a 4xx JSON error, never a 500, and changes nothing', async (t) => {
    const seed = testSeed(8_080);
    const random = prng(seed);
    const server = await startTestServer();
    const started = Date.now();
    try {
      assert.equal((await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'API-ST' })).status, 201);
      assert.equal((await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: 'TOK-1', label: 'first' })).status, 201);
      const { db, writes } = server.appliance.services;
      writes.flush();
      const skip = ['ocpp_messages', 'audit_log'];
      const before = domainSnapshot(db, skip);
      const problems: string[] = [];
      let requests = 0;
      const statuses: Record<number, number> = {};
      const record = (what: string, status: number, text: string) => {
        requests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        const problem = errorShapeProblem(status, text);
        if (problem) problems.push(`${what}: ${problem}`);
      };

      // Every route that changes something, found in the app itself, on ids that do not exist, with bodies no route accepts.
      const routes = createHttpApp(server.appliance.services)
        .routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.path.startsWith('/api/v1/'))
        .map((r) => ({ method: r.method, path: r.path.slice('/api/v1'.length).replace(/:[^/]+/g, '999999') }));
      const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
      for (const route of unique) {
        for (let i = 0; i < 6; i++) {
          const body = malformedBody(random);
          const { status, text } = await send(server, route.method, route.path, body);
          record(`${route.method} ${route.path} with ${body.what}`, status, text);
        }
      }

      // The JSON routes on real records: broken in one field at a time, the body must be refused.
      for (const c of cases) {
        for (let i = 0; i < 25; i++) {
          const { body, what } = mutate(random, c);
          const { status, text } = await send(server, c.method, c.path, { text: JSON.stringify(body), contentType: 'application/json', what });
          record(`${c.method} ${c.path} with ${what}`, status, text);
          if (status < 400) problems.push(`${c.method} ${c.path} accepted an invalid body (${what}): HTTP ${status}`);
        }
        for (let i = 0; i < 4; i++) {
          const body = malformedBody(random);
          const { status, text } = await send(server, c.method, c.path, body);
          record(`${c.method} ${c.path} with ${body.what}`, status, text);
          if (status < 400) problems.push(`${c.method} ${c.path} accepted ${body.what}: HTTP ${status}`);
        }
      }
      assert.deepEqual(problems.slice(0, 15), [], `seed ${seed}: ${problems.length} problem(s)`);

      writes.flush();
      assert.deepEqual(changedTables(before, domainSnapshot(db, skip)), [], 'tables changed by refused requests');
      assert.equal((await getJson(`${server.baseUrl}/api/v1/health`)).body.status, 'ok');
      assert.equal((await getJson(`${server.baseUrl}/api/v1/id-tokens/TOK-1`)).body.label, 'first');
      t.diagnostic(JSON.stringify({ seed, requests, routes: unique.length, ms: Date.now() - started, statuses }));
    } finally {
      await server.stop();
    }
  });
});
