import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import type { DomainEvent } from '../../domain/events.ts';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { makeCsr, makeRootCa, type HashData, type RootCa } from '../../testing/pki.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

type Version = '1.6' | '2.0.1';
const boot = (version: Version) =>
  version === '1.6'
    ? { chargePointVendor: 'Sec', chargePointModel: 'Ext3', firmwareVersion: '1.0' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Sec', model: 'Ext3' } };

describe('OCPP 1.6 security extension (whitepaper ed. 3): events, CSRs, certificates — strict ocpp-rpc stations', () => {
  let server: TestServer;
  let api: string;
  let root: RootCa;
  const clients: RPCClient[] = [];
  const strictFailures: unknown[] = [];

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 1 });
    api = `${server.baseUrl}/api/v1`;
    root = makeRootCa('Ampyard Test Root');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close({ force: true })));
    await server.stop();
    assert.deepEqual(strictFailures, [], 'nothing Ampyard sent failed the official schemas');
  });

  /** A pre-registered station, connected as a strict-schema ocpp-rpc client and booted. */
  async function station(identity: string, version: Version = '1.6'): Promise<RPCClient> {
    await postJson(`${api}/stations`, { id: identity });
    const client = new RPCClient({
      endpoint: `ws://127.0.0.1:${server.port}/ocpp`,
      identity,
      protocols: [`ocpp${version}`],
      strictMode: true,
      reconnect: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    client.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
    clients.push(client);
    await client.connect();
    assert.equal(((await client.call('BootNotification', boot(version))) as any).status, 'Accepted');
    return client;
  }

  const command = (id: string, name: string, params: unknown) => postJson(`${api}/stations/${id}/commands/${name}`, params);
  const fields = (body: any) => body.error.details.fields.map((f: any) => f.field);

  it('stores SecurityEventNotifications, publishes them and lists them newest first with filters and paging', async () => {
    const published: DomainEvent[] = [];
    const unsubscribe = server.appliance.services.events.subscribe((e) => e.type === 'security.event' && published.push(e));
    const a = await station('SEC-EV-A');
    const b = await station('SEC-EV-B');
    assert.deepEqual(await a.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: '2026-03-01T08:00:00.000Z' }), {});
    await a.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: '2026-03-01T08:00:05.000Z', techInfo: 'NTP' });
    await a.call('SecurityEventNotification', { type: 'InvalidCentralSystemCertificate', timestamp: '2026-03-02T09:30:00.000Z', techInfo: 'unknown issuer' });
    await b.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: '2026-03-01T12:00:00+02:00' });
    const own = await server.appliance.services.securityEvents.own('FailedStationAuthentication', { stationId: 'SEC-EV-A', techInfo: 'wrong password' });
    unsubscribe();
    assert.equal(own?.source, 'csms');
    assert.equal(published.length, 5);

    const ours = (await getJson(`${api}/security-events?stationId=SEC-EV-A&source=station`)).body;
    assert.equal(ours.total, 3);
    assert.deepEqual(ours.items.map((e: any) => e.type), ['InvalidCentralSystemCertificate', 'SettingSystemTime', 'StartupOfTheDevice']);
    const [newest] = ours.items;
    assert.equal(newest.stationId, 'SEC-EV-A');
    assert.equal(newest.timestamp, '2026-03-02T09:30:00.000Z');
    assert.equal(newest.techInfo, 'unknown issuer');
    assert.ok(Date.parse(newest.receivedAt) > Date.parse(newest.timestamp));

    const startups = (await getJson(`${api}/security-events?type=StartupOfTheDevice`)).body;
    assert.deepEqual(startups.items.map((e: any) => [e.stationId, e.timestamp]), [
      ['SEC-EV-A', '2026-03-01T08:00:00.000Z'],
      ['SEC-EV-B', '2026-03-01T10:00:00.000Z'],
    ].sort((x, y) => y[1]!.localeCompare(x[1]!)));
    const window = (await getJson(`${api}/security-events?from=2026-03-01T08:00:01Z&to=2026-03-02T00:00:00Z`)).body;
    assert.deepEqual(window.items.map((e: any) => e.type), ['StartupOfTheDevice', 'SettingSystemTime']);
    const page = (await getJson(`${api}/security-events?stationId=SEC-EV-A&limit=1&offset=1`)).body;
    assert.equal(page.total, 4, 'station and Ampyard events about SEC-EV-A');
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0].type, 'InvalidCentralSystemCertificate', 'second newest: the own event is the newest');
    const csms = (await getJson(`${api}/security-events?source=csms`)).body;
    assert.deepEqual(csms.items.map((e: any) => [e.type, e.techInfo]), [['FailedStationAuthentication', 'wrong password']]);

    const bad = await getJson(`${api}/security-events?from=yesterday&limit=0&source=x`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation');
  });

  it('SignCertificate: a real CSR is Accepted and listed pending; a newer one supersedes it; garbage is Rejected with the reason', async () => {
    const cp = await station('SEC-CSR');
    // The site CA accepts CSRs for the station id and the site's organization (default 'Ampyard'), see security-lifecycle.test.ts.
    const first = makeCsr('SEC-CSR', 'Ampyard');
    assert.deepEqual(await cp.call('SignCertificate', { csr: first.pem }), { status: 'Accepted' });
    let csrs = (await getJson(`${api}/stations/SEC-CSR/csrs`)).body.items;
    assert.equal(csrs.length, 1);
    assert.equal(csrs[0].status, 'pending');
    assert.equal(csrs[0].csr, first.pem);
    assert.equal(csrs[0].subject, first.subject);
    assert.equal(csrs[0].certificateType, 'ChargingStationCertificate');

    const second = makeCsr('SEC-CSR', 'Ampyard');
    assert.deepEqual(await cp.call('SignCertificate', { csr: second.pem }), { status: 'Accepted' });
    for (const garbage of ['hello', '-----BEGIN CERTIFICATE REQUEST-----\nnot*base64\n-----END CERTIFICATE REQUEST-----', root.pem]) {
      assert.deepEqual(await cp.call('SignCertificate', { csr: garbage }), { status: 'Rejected' });
    }
    csrs = (await getJson(`${api}/stations/SEC-CSR/csrs`)).body.items;
    assert.deepEqual(csrs.map((c: any) => c.status), ['rejected', 'rejected', 'rejected', 'pending', 'superseded']);
    assert.deepEqual(csrs.slice(0, 3).map((c: any) => c.rejectReason), ['unexpected PEM block CERTIFICATE', 'the CERTIFICATE REQUEST body is not base64', 'no PEM BEGIN/END markers']);
    const pending = (await getJson(`${api}/stations/SEC-CSR/csrs?status=pending`)).body.items;
    assert.deepEqual(pending.map((c: any) => c.csr), [second.pem]);
    assert.equal((await getJson(`${api}/stations/SEC-CSR/csrs?status=nonsense`)).status, 400);
    assert.equal((await getJson(`${api}/stations/NOPE/csrs`)).status, 404);
  });

  it('certificateSigned delivers the chain for the pending CSR and records the station’s answer on it', async () => {
    const cp = await station('SEC-SIGN');
    const received: string[] = [];
    let answer = 'Rejected';
    cp.handle('CertificateSigned', async ({ params }: any) => {
      received.push(params.certificateChain);
      return { status: answer };
    });
    const csr = makeCsr('SEC-SIGN', 'Ampyard');
    await cp.call('SignCertificate', { csr: csr.pem });
    // The site CA signs and delivers at once (refused here); what follows is an operator delivering a chain made elsewhere.
    await eventually(() => received.length === 1, 3000, 'the automatic delivery');
    received.length = 0;
    const [pending] = (await getJson(`${api}/stations/SEC-SIGN/csrs`)).body.items;
    const chain = root.sign(csr.pem);

    const refused = await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain });
    assert.equal(refused.status, 200);
    assert.equal(refused.body.status, 'rejected');
    assert.equal(refused.body.result.csr.status, 'pending', 'a refused chain leaves the CSR open for a corrected one');
    assert.equal(refused.body.result.csr.certificateStatus, 'rejected');

    answer = 'Accepted';
    const accepted = await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain, csrId: pending.id });
    assert.equal(accepted.body.status, 'accepted');
    assert.deepEqual(received, [chain, chain]);
    const [record] = (await getJson(`${api}/stations/SEC-SIGN/csrs`)).body.items;
    assert.equal(record.id, pending.id);
    assert.equal(record.status, 'installed');
    assert.equal(record.certificateStatus, 'accepted');
    assert.equal(record.certificateChain, chain);
    assert.ok(record.certificateSentAt);

    // Nothing pending any more: the chain is still delivered (e.g. made elsewhere), just not linked to a CSR.
    const unlinked = await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain });
    assert.equal(unlinked.body.result.csr, null);

    const notPem = await command('SEC-SIGN', 'certificateSigned', { certificateChain: 'MIIB...' });
    assert.equal(notPem.status, 400);
    assert.deepEqual(fields(notPem.body), ['certificateChain']);
    const missing = await command('SEC-SIGN', 'certificateSigned', { certificateType: 'Nope' });
    assert.equal(missing.status, 400);
    assert.deepEqual(fields(missing.body).sort(), ['certificateChain', 'certificateType']);
    assert.equal((await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain, certificateType: 'V2GCertificate' })).status, 422);
    assert.equal((await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain, csrId: 999_999 })).status, 404);
    await cp.call('SignCertificate', { csr: 'garbage' });
    const [rejected] = (await getJson(`${api}/stations/SEC-SIGN/csrs`)).body.items;
    const conflict = await command('SEC-SIGN', 'certificateSigned', { certificateChain: chain, csrId: rejected.id });
    assert.equal(conflict.status, 409);
    assert.equal(received.length, 3, 'refused commands never reached the station');
  });

  it('installCertificate → getInstalledCertificateIds → deleteCertificate round trip, the inventory API reflecting each step', async () => {
    const cp = await station('SEC-INV');
    const installed = new Map<string, HashData[]>();
    const calls: Array<[string, any]> = [];
    const key = (h: HashData) => `${h.issuerNameHash}|${h.issuerKeyHash}|${h.serialNumber}`.toLowerCase();
    const byHash = (a: HashData, b: HashData) => key(a) === key(b);
    cp.handle('InstallCertificate', async ({ params }: any) => {
      calls.push(['InstallCertificate', params]);
      if (params.certificateType !== 'CentralSystemRootCertificate') return { status: 'Rejected' };
      installed.set(params.certificateType, [root.hashData]);
      return { status: 'Accepted' };
    });
    cp.handle('GetInstalledCertificateIds', async ({ params }: any) => {
      calls.push(['GetInstalledCertificateIds', params]);
      const list = installed.get(params.certificateType) ?? [];
      return list.length ? { status: 'Accepted', certificateHashData: list } : { status: 'NotFound' };
    });
    cp.handle('DeleteCertificate', async ({ params }: any) => {
      calls.push(['DeleteCertificate', params]);
      for (const [type, list] of installed) {
        const rest = list.filter((h) => !byHash(h, params.certificateHashData));
        if (rest.length !== list.length) {
          installed.set(type, rest);
          return { status: 'Accepted' };
        }
      }
      return { status: 'NotFound' };
    });
    const inventory = async () => (await getJson(`${api}/stations/SEC-INV/certificates`)).body;
    assert.deepEqual(await inventory(), { items: [], checks: [], warnings: [], issued: [] });
    const rootNotAfter = new Date(new X509Certificate(root.pem).validTo).toISOString();

    const install = await command('SEC-INV', 'installCertificate', { certificateType: 'CSMSRootCertificate', certificate: root.pem });
    assert.equal(install.status, 200);
    assert.equal(install.body.status, 'accepted');
    assert.deepEqual(calls.at(-1), ['InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: root.pem }]);
    // Ampyard's own hash data of the root equals openssl's OCSP CertID for it.
    assert.deepEqual(install.body.result.certificateHashData, root.hashData);
    let inv = await inventory();
    assert.equal(inv.items.length, 1);
    assert.deepEqual({ ...inv.items[0], reportedAt: null }, {
      ...root.hashData, certificateType: 'CSMSRootCertificate', childCertificateHashData: null, source: 'installed', certificate: root.pem, reportedAt: null,
      notAfter: rootNotAfter, expiry: 'expiring',
    });
    assert.deepEqual(inv.warnings, [{ certificateType: 'CSMSRootCertificate', serialNumber: root.hashData.serialNumber, notAfter: rootNotAfter, expiry: 'expiring' }], 'a 30-day root warns (default: 60 days)');

    const get = await command('SEC-INV', 'getInstalledCertificateIds', { certificateType: 'CSMSRootCertificate' });
    assert.equal(get.body.status, 'accepted');
    assert.deepEqual(calls.at(-1), ['GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }]);
    assert.deepEqual(get.body.result.certificates, [{ ...root.hashData, certificateType: 'CSMSRootCertificate', childCertificateHashData: null }]);
    const none = await command('SEC-INV', 'getInstalledCertificateIds', { certificateType: ['ManufacturerRootCertificate'] });
    assert.equal(none.body.status, 'notfound');
    inv = await inventory();
    assert.deepEqual(inv.items.map((i: any) => [i.certificateType, i.source, i.serialNumber]), [['CSMSRootCertificate', 'station', root.hashData.serialNumber]]);
    assert.equal(inv.items[0].certificate, root.pem, 'the PEM Ampyard installed is kept when the station reports it');
    assert.deepEqual(inv.checks.map((c: any) => c.certificateType), ['CSMSRootCertificate', 'ManufacturerRootCertificate']);
    assert.ok(inv.checks.every((c: any) => Date.parse(c.checkedAt) > 0));

    const del = await command('SEC-INV', 'deleteCertificate', { certificateHashData: { ...root.hashData, serialNumber: root.hashData.serialNumber.toUpperCase() } });
    assert.equal(del.body.status, 'accepted');
    assert.equal(del.body.result.removedFromInventory, 1, 'hex compares without regard to case');
    assert.deepEqual((await inventory()).items, []);
    const again = await command('SEC-INV', 'deleteCertificate', { certificateHashData: root.hashData });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'notfound');
    assert.equal(again.body.response.status, 'NotFound');

    const refused = await command('SEC-INV', 'installCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: root.pem });
    assert.equal(refused.body.status, 'rejected');
    assert.deepEqual((await inventory()).items, [], 'a refused install changes nothing');

    const sent = calls.length;
    const badType = await command('SEC-INV', 'installCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: 'x' });
    assert.equal(badType.status, 400);
    assert.deepEqual(fields(badType.body), ['certificateType']);
    const notPem = await command('SEC-INV', 'installCertificate', { certificateType: 'CSMSRootCertificate', certificate: makeCsr('x', 'y').pem });
    assert.equal(notPem.status, 400);
    assert.deepEqual(notPem.body.error.details.fields, [{ field: 'certificate', message: 'is not a PEM certificate: unexpected PEM block CERTIFICATE REQUEST' }]);
    const twoCerts = await command('SEC-INV', 'installCertificate', { certificateType: 'CSMSRootCertificate', certificate: root.pem + root.pem });
    assert.equal(twoCerts.status, 400);
    assert.equal((await command('SEC-INV', 'installCertificate', { certificateType: 'V2GRootCertificate', certificate: root.pem })).status, 422);
    assert.equal((await command('SEC-INV', 'getInstalledCertificateIds', {})).status, 422, '1.6 asks for exactly one type');
    assert.equal((await command('SEC-INV', 'getInstalledCertificateIds', { certificateType: 'MORootCertificate' })).status, 422);
    const badHash = await command('SEC-INV', 'deleteCertificate', { certificateHashData: { hashAlgorithm: 'MD5', issuerNameHash: 'a', serialNumber: '1' } });
    assert.equal(badHash.status, 400);
    assert.deepEqual(fields(badHash.body).sort(), ['certificateHashData.hashAlgorithm', 'certificateHashData.issuerKeyHash']);
    assert.equal(calls.length, sent, 'invalid commands never reach the station');
    assert.equal((await getJson(`${api}/stations/NOPE/certificates`)).status, 404);
  });

  it('extendedTriggerMessage reaches the station as ExtendedTriggerMessage and the triggered message is handled', async () => {
    const cp = await station('SEC-TRIG');
    const triggers: any[] = [];
    const sent: Array<Promise<unknown>> = [];
    cp.handle('ExtendedTriggerMessage', async ({ params }: any) => {
      triggers.push(params);
      if (params.requestedMessage === 'SignChargePointCertificate') {
        setImmediate(() => sent.push(cp.call('SignCertificate', { csr: makeCsr('SEC-TRIG', 'Ampyard').pem })));
      }
      if (params.requestedMessage === 'StatusNotification') {
        setImmediate(() => sent.push(cp.call('StatusNotification', { connectorId: params.connectorId, errorCode: 'NoError', status: 'Preparing' })));
      }
      return { status: 'Accepted' };
    });
    const sign = await command('SEC-TRIG', 'extendedTriggerMessage', { message: 'SignChargePointCertificate' });
    assert.equal(sign.body.status, 'accepted');
    const status = await command('SEC-TRIG', 'extendedTriggerMessage', { message: 'StatusNotification', evseId: 2 });
    assert.equal(status.body.status, 'accepted');
    assert.deepEqual(triggers, [{ requestedMessage: 'SignChargePointCertificate' }, { requestedMessage: 'StatusNotification', connectorId: 2 }]);
    await eventually(() => sent.length === 2, 3000, 'the triggered messages');
    assert.deepEqual(await sent[0], { status: 'Accepted' });
    assert.deepEqual(await sent[1], {});
    assert.equal((await getJson(`${api}/stations/SEC-TRIG/csrs?status=pending`)).body.items.length, 1);
    const evse2 = (await getJson(`${api}/stations/SEC-TRIG`)).body.evses.find((e: any) => e.evseId === 2);
    assert.equal(evse2.connectors[0].status, 'preparing');

    const bad = await command('SEC-TRIG', 'extendedTriggerMessage', { message: 'SignV2GCertificate', evseId: 0 });
    assert.equal(bad.status, 400);
    assert.deepEqual(fields(bad.body).sort(), ['evseId', 'message']);
  });

  it('error paths: station offline → 409, unknown station → 404, no answer → 504 and the connection stays usable', async () => {
    await postJson(`${api}/stations`, { id: 'SEC-OFF' });
    const offline = await command('SEC-OFF', 'installCertificate', { certificateType: 'CSMSRootCertificate', certificate: root.pem });
    assert.equal(offline.status, 409);
    assert.equal(offline.body.error.code, 'station_offline');
    assert.equal((await command('SEC-NOBODY', 'extendedTriggerMessage', { message: 'Heartbeat' })).status, 404);

    const cp = await station('SEC-SLOW');
    let answerLate: (() => void) | undefined;
    cp.handle('GetInstalledCertificateIds', () => new Promise((resolve) => (answerLate = () => resolve({ status: 'NotFound' }))));
    cp.handle('ExtendedTriggerMessage', async () => ({ status: 'Rejected' }));
    const slow = await command('SEC-SLOW', 'getInstalledCertificateIds', { certificateType: 'ManufacturerRootCertificate' });
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.code, 'station_timeout');
    assert.deepEqual((await getJson(`${api}/stations/SEC-SLOW/certificates`)).body.checks, [], 'no answer, nothing recorded');
    answerLate?.();
    const next = await command('SEC-SLOW', 'extendedTriggerMessage', { message: 'Heartbeat' });
    assert.equal(next.body.status, 'rejected');
  });

  it('OCPP 2.0.1 translations of the same commands (checked against the 2.0.1 schemas by the station)', async () => {
    const cs = await station('SEC-201', '2.0.1');
    const calls: Array<[string, any]> = [];
    cs.handle('InstallCertificate', async ({ params }: any) => (calls.push(['InstallCertificate', params]), { status: 'Accepted' }));
    cs.handle('GetInstalledCertificateIds', async ({ params }: any) => {
      calls.push(['GetInstalledCertificateIds', params]);
      return {
        status: 'Accepted',
        certificateHashDataChain: [
          { certificateType: 'V2GRootCertificate', certificateHashData: root.hashData },
          { certificateType: 'V2GCertificateChain', certificateHashData: { ...root.hashData, serialNumber: '1' }, childCertificateHashData: [{ ...root.hashData, serialNumber: '2' }] },
        ],
      };
    });
    cs.handle('TriggerMessage', async ({ params }: any) => (calls.push(['TriggerMessage', params]), { status: 'Accepted' }));
    cs.handle('CertificateSigned', async ({ params }: any) => (calls.push(['CertificateSigned', params]), { status: 'Accepted' }));

    assert.equal((await command('SEC-201', 'installCertificate', { certificateType: 'V2GRootCertificate', certificate: root.pem })).body.status, 'accepted');
    const get = await command('SEC-201', 'getInstalledCertificateIds', {});
    assert.equal(get.body.status, 'accepted');
    await command('SEC-201', 'extendedTriggerMessage', { message: 'SignChargePointCertificate', evseId: 1 });
    await command('SEC-201', 'certificateSigned', { certificateChain: root.sign(makeCsr('SEC-201', 'Depot').pem), certificateType: 'V2GCertificate' });
    assert.deepEqual(calls.map(([action, params]) => [action, action === 'CertificateSigned' ? params.certificateType : params]), [
      ['InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: root.pem }],
      ['GetInstalledCertificateIds', {}],
      ['TriggerMessage', { requestedMessage: 'SignChargingStationCertificate', evse: { id: 1 } }],
      ['CertificateSigned', 'V2GCertificate'],
    ]);
    const inv = (await getJson(`${api}/stations/SEC-201/certificates`)).body;
    assert.deepEqual(inv.items.map((i: any) => [i.certificateType, i.serialNumber, i.childCertificateHashData?.length ?? 0]), [
      ['V2GCertificateChain', '1', 1],
      ['V2GRootCertificate', root.hashData.serialNumber, 0],
    ]);
    assert.deepEqual(inv.checks.map((c: any) => c.certificateType), ['CSMSRootCertificate', 'MORootCertificate', 'ManufacturerRootCertificate', 'V2GCertificateChain', 'V2GRootCertificate']);
    assert.equal((await command('SEC-201', 'getInstalledCertificateIds', { certificateType: 'OEMRootCertificate' })).status, 422, 'OEM roots are OCPP 2.1');
  });
});
