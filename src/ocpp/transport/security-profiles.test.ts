import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../log/logger.ts';
import { SitePki } from '../../pki/site-pki.ts';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { clientCertificate, connectsOk, tryConnect } from '../../testing/security.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

/** Ampyard's own security events about a station, oldest first, as [type, techInfo]. */
async function ownEvents(server: TestServer, stationId: string): Promise<Array<[string, string]>> {
  const { body } = await getJson(`${server.baseUrl}/api/v1/security-events?source=csms&stationId=${encodeURIComponent(stationId)}&limit=100`);
  return body.items.map((e: any) => [e.type, e.techInfo]).reverse();
}

async function register(server: TestServer, id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await postJson(`${server.baseUrl}/api/v1/stations`, { id, ...extra });
  assert.equal(status, 201);
  return body.credentials.password;
}

describe('security profiles at the websocket handshake (default policy: credentials required)', () => {
  let server: TestServer;
  let ca: string;
  let ws: (id: string) => string;
  let wss: (id: string) => string;
  let wssMainPort: (id: string) => string;

  before(async () => {
    server = await startTestServer({ allowProfile0: false, tlsPort: -1 });
    const response = await fetch(`${server.baseUrl}/pki/ca.pem`);
    assert.equal(response.status, 200, 'the CA certificate is public, outside the API');
    ca = await response.text();
    ws = (id) => server.wsUrl(id);
    wss = (id) => `wss://127.0.0.1:${server.appliance.tlsPort}/ocpp/${encodeURIComponent(id)}`;
    wssMainPort = (id) => `wss://127.0.0.1:${server.port}/ocpp/${encodeURIComponent(id)}`;
  });
  after(() => server.stop());

  it('creates the site CA on first start: key file mode 0600, CA downloadable as PEM and DER, server certificate for this host', async () => {
    const pkiDir = join(server.dataDir, 'pki');
    assert.equal(statSync(join(pkiDir, 'ca.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(pkiDir, 'server.key')).mode & 0o777, 0o600);
    const root = new X509Certificate(ca);
    assert.equal(root.ca, true);
    assert.match(root.subject, /CN=Ampyard Site CA [0-9A-F]{6}\nO=Ampyard/);
    const der = await fetch(`${server.baseUrl}/api/v1/security/ca.crt`);
    assert.equal(der.headers.get('content-type'), 'application/pkix-cert');
    assert.ok(Buffer.from(await der.arrayBuffer()).equals(root.raw));
    const summary = (await getJson(`${server.baseUrl}/api/v1/security`)).body;
    assert.equal(summary.ca.fingerprintSha256, root.fingerprint256);
    assert.deepEqual(summary.policy.allowProfile0, false);

    // The TLS listener's certificate, as a client sees it: issued by the site CA, for 127.0.0.1 and localhost.
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: server.appliance.tlsPort!, ca, servername: 'localhost' }, () => {
        resolve(socket.getPeerX509Certificate()!);
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.ok(peer.checkIssued(root) && peer.verify(root.publicKey));
    assert.ok(peer.checkIP('127.0.0.1') && peer.checkHost('localhost'));
  });

  it('an unknown station without credentials gets 401 and a security event, and is not created', async () => {
    const outcome = await tryConnect(ws('SP-UNKNOWN'));
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.status, 401);
    assert.match(!outcome.ok ? String(outcome.headers['www-authenticate']) : '', /^Basic realm="OCPP"/);
    assert.equal((await getJson(`${server.baseUrl}/api/v1/stations/SP-UNKNOWN`)).status, 404);
    assert.deepEqual(await ownEvents(server, 'SP-UNKNOWN'), [['FailedStationAuthentication', 'no credentials; security profile 1 needs HTTP Basic authentication (from 127.0.0.1)']]);
  });

  it('profile 1: the password shown once at registration works; a wrong one, another user name or none get 401', async () => {
    const password = await register(server, 'SP-1');
    assert.match(password, /^[A-Za-z0-9]{20}$/);
    const station = (await getJson(`${server.baseUrl}/api/v1/stations/SP-1`)).body;
    assert.equal(JSON.stringify(station).includes(password), false, 'the password is not shown again');
    assert.equal(await connectsOk(ws('SP-1'), { password }), true);
    const state = (await getJson(`${server.baseUrl}/api/v1/stations/SP-1/security`)).body;
    assert.deepEqual([state.securityProfile, state.profileReason, state.lastProfile, state.lastCredential, state.hasPassword], [1, 'first-connection', 1, 'password', true]);
    assert.equal(JSON.stringify(state).includes('scrypt'), false, 'no hash in the API');

    for (const [options, reason] of [
      [{ password: 'WRONGwrongWRONGwrong' }, 'wrong password'],
      [{ password, username: 'SP-2' }, "the Basic-auth user name 'SP-2' is not the station id in the URL"],
      [{}, 'no credentials; security profile 1 needs HTTP Basic authentication'],
    ] as const) {
      const outcome = await tryConnect(ws('SP-1'), options);
      assert.deepEqual(outcome.ok ? 'open' : [outcome.status, outcome.body], [401, reason]);
    }
    assert.deepEqual((await ownEvents(server, 'SP-1')).map(([type]) => type), ['FailedStationAuthentication', 'FailedStationAuthentication', 'FailedStationAuthentication']);

    // A connected station keeps its session when someone else tries its id without the password.
    const real = await tryConnect(ws('SP-1'), { password });
    assert.ok(real.ok);
    assert.equal((await tryConnect(ws('SP-1'), { password: 'WRONGwrongWRONGwrong' })).ok, false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(real.socket.readyState, real.socket.OPEN, 'not replaced by an unauthenticated connection');
    assert.equal((await getJson(`${server.baseUrl}/api/v1/stations/SP-1`)).body.connected, true);
    real.socket.close();
  });

  it('OCPP 1.6 AuthorizationKey forms: the decoded bytes (whitepaper), the hex itself, and binary keys', async () => {
    const password = await register(server, 'SP-HEX');
    const hex = Buffer.from(password).toString('hex');
    assert.equal(await connectsOk(ws('SP-HEX'), { password: hex }), true, 'hex as sent in ChangeConfiguration');
    assert.equal(await connectsOk(ws('SP-HEX'), { password: hex.toUpperCase() }), true);
    assert.equal(await connectsOk(ws('SP-HEX'), { password }), true, 'decoded');
    // An installer-chosen binary key (as hex): the charger sends the raw bytes.
    const binary = Buffer.from('00ff10e1c2a3b4c5d6e7f80912233445', 'hex');
    await register(server, 'SP-BIN', { password: binary.toString('hex') });
    assert.equal(await connectsOk(ws('SP-BIN'), { password: binary }), true);
    assert.equal(await connectsOk(ws('SP-BIN'), { password: binary.toString('hex') }), true);
    assert.equal((await tryConnect(ws('SP-BIN'), { password: Buffer.from(binary).fill(1, 0, 1) })).ok, false);
  });

  it('profile 2: TLS + password on the TLS port and on the main port; plain ws is a refused downgrade', async () => {
    const password = await register(server, 'SP-2', { securityProfile: 2 });
    const downgrade = await tryConnect(ws('SP-2'), { password });
    assert.deepEqual(downgrade.ok ? 'open' : [downgrade.status, downgrade.body], [401, 'connected with security profile 1; the station is configured for 2']);
    assert.equal(await connectsOk(wss('SP-2'), { password, ca }), true);
    assert.equal(await connectsOk(wssMainPort('SP-2'), { password, ca }), true, 'wss:// on the main port (1.6 chargers that only change the scheme)');
    const state = (await getJson(`${server.baseUrl}/api/v1/stations/SP-2/security`)).body;
    assert.deepEqual([state.securityProfile, state.lastProfile, state.lastAddress], [2, 2, '127.0.0.1'], 'the charger’s address, also when handed on from the main port');
    assert.equal((await tryConnect(wss('SP-2'), { password: 'x'.repeat(20), ca })).ok, false);
    assert.deepEqual((await ownEvents(server, 'SP-2')).map(([type]) => type), ['SecurityProfileDowngradeRefused', 'FailedStationAuthentication']);
  });

  it('profile 3: a site-CA client certificate for this station id; every other certificate or none is refused with an event', async () => {
    await register(server, 'SP-3', { securityProfile: 3 });
    const pki = server.appliance.services.pki;
    const own = await clientCertificate(pki, 'SP-3');
    assert.equal(await connectsOk(wss('SP-3'), { ca, ...own }), true);
    assert.equal(await connectsOk(wssMainPort('SP-3'), { ca, ...own }), true);
    const state = (await getJson(`${server.baseUrl}/api/v1/stations/SP-3/security`)).body;
    assert.deepEqual([state.lastProfile, state.lastCredential, state.lastCertificateSerial], [3, 'certificate', own.serialNumber]);

    const otherDir = mkdtempSync(join(tmpdir(), 'ampyard-other-ca-'));
    const otherCa = await SitePki.open({ dir: otherDir, caCertFile: '', caKeyFile: '', organizationName: 'Elsewhere', tlsNames: '', log: createLogger('silent') });
    const cases: Array<[string, Parameters<typeof tryConnect>[1], string, string]> = [
      ['no client certificate, no password', { ca }, 'FailedStationAuthentication', 'no credentials; security profile 3 needs a client certificate'],
      ['password only', { ca, password: 'whatever-password-1' }, 'FailedStationAuthentication', 'wrong password'],
      ['certificate for another station', { ca, ...(await clientCertificate(pki, 'SP-OTHER')) }, 'InvalidChargingStationCertificate', "the client certificate is for 'SP-OTHER', not for 'SP-3'"],
      ['expired', { ca, ...(await clientCertificate(pki, 'SP-3', { notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) })) }, 'InvalidChargingStationCertificate', 'the client certificate has expired'],
      ['not yet valid', { ca, ...(await clientCertificate(pki, 'SP-3', { notBefore: new Date(Date.now() + 86_400_000), notAfter: new Date(Date.now() + 20 * 86_400_000) })) }, 'InvalidChargingStationCertificate', 'the client certificate is not valid yet'],
      ['from another CA', { ca, ...(await clientCertificate(otherCa, 'SP-3')) }, 'InvalidChargingStationCertificate', 'the client certificate is not issued by the site CA'],
    ];
    rmSync(otherDir, { recursive: true, force: true });
    for (const [what, options, , reason] of cases) {
      const outcome = await tryConnect(wss('SP-3'), options);
      assert.deepEqual(outcome.ok ? 'open' : [outcome.status, outcome.body], [401, reason], what);
    }
    assert.deepEqual(
      (await ownEvents(server, 'SP-3')).map(([type, info]) => [type, info.replace(/ \(from .*\)$/, '')]),
      cases.map(([, , type, reason]) => [type, reason]),
    );
    // Over plain ws even a valid certificate cannot be presented: a downgrade.
    const plain = await tryConnect(ws('SP-3'), {});
    assert.equal(!plain.ok && plain.status, 401);
  });

  it('an unconfigured station is pinned to the profile it first authenticated with; its first password is recorded (trust on first use)', async () => {
    const first = await tryConnect(wss('SP-NEW'), { ca, password: 'first-password-of-SP-NEW' });
    assert.equal(first.ok, true);
    if (first.ok) first.socket.close();
    await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/stations/SP-NEW`)).body.registration === 'pending', 3000, 'the station held pending');
    const state = (await getJson(`${server.baseUrl}/api/v1/stations/SP-NEW/security`)).body;
    assert.deepEqual([state.securityProfile, state.profileReason, state.hasPassword], [2, 'first-connection', true]);
    assert.equal((await tryConnect(wss('SP-NEW'), { ca, password: 'another-password-now-1' })).ok, false);
    assert.equal((await tryConnect(ws('SP-NEW'), { password: 'first-password-of-SP-NEW' })).ok, false, 'no downgrade to profile 1');
    assert.deepEqual((await ownEvents(server, 'SP-NEW')).map(([type]) => type), ['StationPasswordRecorded', 'FailedStationAuthentication', 'SecurityProfileDowngradeRefused']);
  });

  it('an administrator lowers or raises the accepted profile; profile 0 only for a station explicitly set to it', async () => {
    const password = await register(server, 'SP-ADMIN', { securityProfile: 2 });
    assert.equal((await tryConnect(ws('SP-ADMIN'), { password })).ok, false);
    const put = (body: unknown) => server.api('/stations/SP-ADMIN/security', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await (await put({ securityProfile: 1 })).json()).securityProfile, 1);
    assert.equal(await connectsOk(ws('SP-ADMIN'), { password }), true);
    assert.equal((await tryConnect(ws('SP-ADMIN'))).ok, false);
    await put({ securityProfile: 0 });
    assert.equal(await connectsOk(ws('SP-ADMIN')), true, 'explicitly allowed for this station');
    assert.equal((await tryConnect(ws('SP-ADMIN'), { password: 'not-its-password-123' })).ok, false, 'a wrong password is still wrong');
    assert.equal((await put({ securityProfile: 5 })).status, 400);
    assert.deepEqual((await ownEvents(server, 'SP-ADMIN')).filter(([type]) => type === 'SecurityProfileChanged').map(([, info]) => info), ['2 -> 1 by an administrator', '1 -> 0 by an administrator']);
  });

  it('TLS 1.2+ with forward-secret AEAD suites only', async () => {
    const attempt = (options: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: server.appliance.tlsPort!, ca, servername: 'localhost', ...options }, () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.end();
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code}`));
      });
    assert.match(await attempt({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }), /^refused/);
    assert.match(await attempt({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }), /^refused/, 'static RSA key exchange');
    assert.equal(await attempt({ maxVersion: 'TLSv1.2' }), 'TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256', 'the suite OCPP requires chargers to support, preferred');
    assert.match(await attempt({}), /^TLSv1\.3 /);
  });
});

describe('hardening: failed-handshake rate limits and message rate', () => {
  it('refuses an address after repeated failures (429, one event), for any station id', async () => {
    const server = await startTestServer({ allowProfile0: false, authFailuresPerAddress: 3, authFailuresPerStation: 100 });
    try {
      const password = await register(server, 'RL-1');
      const bad = { password: 'wrong-password-0000', localAddress: '127.0.0.2' };
      for (let i = 0; i < 3; i++) assert.equal((await tryConnect(server.wsUrl('RL-1'), bad)).ok, false);
      const limited = await tryConnect(server.wsUrl('RL-1'), { password, localAddress: '127.0.0.2' });
      assert.deepEqual(limited.ok ? 'open' : [limited.status, Number(limited.headers['retry-after']) > 500], [429, true], 'even the right password');
      await tryConnect(server.wsUrl('RL-1'), { password, localAddress: '127.0.0.2' });
      const events = await ownEvents(server, 'RL-1');
      assert.deepEqual(events.map(([type]) => type), ['FailedStationAuthentication', 'FailedStationAuthentication', 'FailedStationAuthentication', 'HandshakeRateLimited']);

      const otherStation = await tryConnect(server.wsUrl('RL-2'), { password: 'whatever-password-2', localAddress: '127.0.0.2' });
      assert.equal(!otherStation.ok && otherStation.status, 429, 'the address, for any station');
      assert.equal(await connectsOk(server.wsUrl('RL-1'), { password, localAddress: '127.0.0.3' }), true, 'other addresses are fine');
    } finally {
      await server.stop();
    }
  });

  it('the real charger’s own address is not locked out by someone guessing its password elsewhere', async () => {
    const server = await startTestServer({ allowProfile0: false, authFailuresPerAddress: 100, authFailuresPerStation: 2 });
    try {
      const password = await register(server, 'RL-OWN');
      assert.equal(await connectsOk(server.wsUrl('RL-OWN'), { password, localAddress: '127.0.0.4' }), true);
      for (let i = 0; i < 2; i++) await tryConnect(server.wsUrl('RL-OWN'), { password: 'guess-guess-guess-' + i, localAddress: '127.0.0.5' });
      for (const address of ['127.0.0.5', '127.0.0.6']) {
        const guesser = await tryConnect(server.wsUrl('RL-OWN'), { password, localAddress: address });
        assert.equal(!guesser.ok && guesser.status, 429, `the station id is locked for ${address}`);
      }
      assert.deepEqual((await ownEvents(server, 'RL-OWN')).map(([type]) => type), ['FailedStationAuthentication', 'FailedStationAuthentication', 'HandshakeRateLimited']);
      assert.equal(await connectsOk(server.wsUrl('RL-OWN'), { password, localAddress: '127.0.0.4' }), true);
    } finally {
      await server.stop();
    }
  });

  it('disconnects a station that sends more messages than allowed per minute, and logs it', async () => {
    const server = await startTestServer({ maxMessagesPerMinute: 60 });
    try {
      const outcome = await tryConnect(server.wsUrl('FLOOD-1'));
      assert.ok(outcome.ok);
      const socket = outcome.socket;
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      for (let i = 0; i < 80; i++) socket.send(JSON.stringify([2, `m${i}`, 'Heartbeat', {}]));
      assert.equal(await closed, 1008);
      await eventually(async () => (await ownEvents(server, 'FLOOD-1')).some(([type]) => type === 'MessageRateExceeded'), 3000, 'the event');
    } finally {
      await server.stop();
    }
  });
});
