import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSetupCode } from '../../auth/setup-console.ts';
import { assertDocumentedResponse, type OpenApiDocument } from '../../testing/openapi-schemas.ts';
import { RawClient } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function bootStatus(server: TestServer, id: string): Promise<string> {
  const client = await RawClient.connect(server.wsUrl(id));
  try {
    const answer = await client.call('BootNotification', { chargePointVendor: 'Setupco', chargePointModel: 'S1' });
    return (answer[2] as { status: string }).status;
  } finally {
    await client.close();
  }
}

describe('first-run setup', () => {
  let server: TestServer;
  let code: string;
  const setupUrl = () => `${server.baseUrl}/api/v1/setup`;
  const good = () => ({ setupCode: code, username: 'installer', password: 'installer-password', siteName: 'North depot', gridLimitA: 250, acceptUnknownStations: true });

  before(async () => {
    server = await startTestServer({ acceptUnknownStations: false }, { firstRun: true });
    code = server.appliance.services.auth.setup.currentCode()!;
  });
  after(() => server.stop());

  it('with no users: the console shows a setup code and repeats a reminder; the API says setup is needed and is closed', async () => {
    const lines: string[] = [];
    const stop = announceSetupCode(server.appliance.services.auth.setup, 'http://appliance:8080/', (text) => lines.push(text), 20);
    await new Promise((r) => setTimeout(r, 70));
    stop();
    assert.match(lines[0]!, new RegExp(`First-run setup: .*\\n\\n {6}${code}\\n`));
    assert.ok(lines.length >= 3, 'reminders follow');
    assert.equal(lines[1], `Waiting for first-run setup at http://appliance:8080/ — setup code ${code}\n`);

    assert.deepEqual(await (await fetch(setupUrl())).json(), { needed: true });
    assert.equal((await fetch(`${server.baseUrl}/api/v1/stations`)).status, 401);
    assert.equal((await post(`${server.baseUrl}/api/v1/auth/login`, { username: 'admin', password: 'whatever-it-is' })).status, 401);
  });

  it('a wrong setup code is 403 with the field named, and creates nothing', async () => {
    const res = await post(setupUrl(), { ...good(), setupCode: 'AAAA-BBBB-CCCC' });
    assert.equal(res.status, 403);
    const body = (await res.json()) as any;
    assert.equal(body.error.code, 'wrong_setup_code');
    assert.deepEqual(body.error.details.fields, [{ field: 'setupCode', message: 'is not right' }]);
    assert.equal((await post(setupUrl(), { ...good(), setupCode: undefined })).status, 403);
    const form = await fetch(setupUrl(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(good()) });
    assert.equal(form.status, 415);
    assert.equal(server.appliance.services.auth.users.count(), 0);
  });

  it('with the right code, every field problem is reported at once, and nothing is created', async () => {
    const res = await post(setupUrl(), { setupCode: code, username: '', password: 'short', siteName: ' ', gridLimitA: 0, acceptUnknownStations: 'yes' });
    assert.equal(res.status, 400);
    const fields = ((await res.json()) as any).error.details.fields.map((f: any) => f.field);
    assert.deepEqual(fields, ['username', 'password', 'siteName', 'gridLimitA', 'acceptUnknownStations']);
    assert.equal(server.appliance.services.auth.users.count(), 0);
    assert.equal(server.appliance.services.auth.setup.currentCode(), code, 'the code stays valid until used');
  });

  it('the right code (typed in any case, without dashes) creates the admin, signs in and saves the site settings, once', async () => {
    const typed = code.toLowerCase().replaceAll('-', '');
    const [first, second] = await Promise.all([post(setupUrl(), { ...good(), setupCode: typed }), post(setupUrl(), { ...good(), username: 'rival', setupCode: typed })]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [201, 409], 'two installers at once: one wins');
    const winner = first.status === 201 ? first : second;
    const body = (await winner.json()) as any;
    assert.equal(body.user.role, 'admin');
    const document = (await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    assertDocumentedResponse(document, '/api/v1/setup', 'post', 201, body);
    assert.deepEqual(
      { siteName: body.settings.siteName, gridLimitA: body.settings.gridLimitA, acceptUnknownStations: body.settings.acceptUnknownStations },
      { siteName: 'North depot', gridLimitA: 250, acceptUnknownStations: true },
    );
    assert.equal(server.appliance.services.auth.users.count(), 1);
    const cookie = winner.headers.getSetCookie()[0]!.split(';')[0]!;
    const me = await fetch(`${server.baseUrl}/api/v1/auth/me`, { headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as any).csrfToken, body.csrfToken);

    const again = await post(setupUrl(), good());
    assert.equal(again.status, 409, 'the code is no longer valid');
    assert.match(((await again.json()) as any).error.message, /already set up/);
    assert.deepEqual(await (await fetch(setupUrl())).json(), { needed: false });
    assert.equal(server.appliance.services.auth.setup.currentCode(), undefined);

    const setup = (await server.appliance.services.auth.audit.list({ action: 'setup' }))[0];
    assert.equal(setup?.status, 201);

    // acceptUnknownStations is read at run time: set at setup, then changed in the settings, without a restart.
    assert.equal(await bootStatus(server, 'UNKNOWN-AT-INSTALL'), 'Accepted');
    const change = await fetch(`${server.baseUrl}/api/v1/settings`, {
      method: 'PATCH',
      headers: { cookie, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ acceptUnknownStations: false }),
    });
    assert.equal(change.status, 200);
    assert.equal(await bootStatus(server, 'UNKNOWN-AFTER-INSTALL'), 'Pending');
  });
});

describe('first-run setup code guessing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { firstRun: true });
  });
  after(() => server.stop());

  it('is refused with 429 and Retry-After after 20 wrong codes from one address, even for the right code', async () => {
    const url = `${server.baseUrl}/api/v1/setup`;
    const body = { username: 'admin', password: 'admin-password', siteName: 'X', gridLimitA: 10, acceptUnknownStations: false };
    for (let i = 0; i < 19; i++) assert.equal((await post(url, { ...body, setupCode: `WRONG-${i}` })).status, 403);
    const limited = await post(url, { ...body, setupCode: 'WRONG-20' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const right = await post(url, { ...body, setupCode: server.appliance.services.auth.setup.currentCode() });
    assert.equal(right.status, 429);
    assert.equal(server.appliance.services.auth.users.count(), 0);
  });
});
