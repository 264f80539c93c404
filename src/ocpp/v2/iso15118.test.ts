import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { offlineProvider, type CertificateStatusSource, type EvCertificateProvider } from '../../domain/iso15118.ts';
import { makeRootCa, type RootCa } from '../../testing/pki.ts';
import { RawClient, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const exiRequest = Buffer.from('EXI-encoded CertificateInstallationReq').toString('base64');
const ocspRequestData = (serialNumber: string, issuerKeyHash = 'ab'.repeat(32)) => ({
  hashAlgorithm: 'SHA256',
  issuerNameHash: 'cd'.repeat(32),
  issuerKeyHash,
  serialNumber,
  responderURL: 'http://ocsp.v2g-root.example/',
});

function watchStrictness(cs: StrictClient): unknown[] {
  const failures: unknown[] = [];
  cs.on('strictValidationFailure', (e: unknown) => failures.push(e));
  return failures;
}

describe('OCPP 2.x ISO 15118 certificate management (M) — strict ocpp-rpc stations', () => {
  let server: TestServer;
  let v2gRoot: RootCa;
  let moRoot: RootCa;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);

  before(async () => {
    server = await startTestServer();
    v2gRoot = makeRootCa('V2G Root');
    moRoot = makeRootCa('MO Root');
  });
  after(() => server.stop());

  for (const version of ['2.0.1', '2.1'] as const) {
    const tag = version.replaceAll('.', '');

    it(`${version}: Get15118EVCertificate and GetCertificateStatus are answered Failed with the reason while Ampyard has no PKI, and recorded`, async () => {
      const id = `ISO-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      try {
        const ev: any = await cs.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest });
        assert.equal(ev.status, 'Failed');
        assert.equal(ev.exiResponse, '');
        assert.equal(ev.statusInfo.reasonCode, 'NoV2GPkiConnection');
        assert.match(ev.statusInfo.additionalInfo, /offline/);
        const ocsp: any = await cs.call('GetCertificateStatus', { ocspRequestData: ocspRequestData('0a1b') });
        assert.deepEqual([ocsp.status, ocsp.statusInfo.reasonCode, ocsp.ocspResult], ['Failed', 'NoOcspConnection', undefined]);

        const { items } = (await getJson(api(`/stations/${id}/iso15118-requests`))).body;
        assert.deepEqual(
          items.map((r: any) => [r.action, r.status, r.reasonCode, r.answeredBy]),
          [
            ['GetCertificateStatus', 'Failed', 'NoOcspConnection', 'offline'],
            ['Get15118EVCertificate', 'Failed', 'NoV2GPkiConnection', 'offline'],
          ],
        );
        assert.deepEqual(items[1].request, { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest });
        assert.deepEqual(items[0].request, { ocspRequestData: ocspRequestData('0a1b') });
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: a pluggable contract certificate provider and OCSP status source answer instead; a failing one still gets the station an answer`, async () => {
      const id = `ISO-PLUG-${tag}`;
      const { iso15118 } = server.appliance.services;
      const exiResponse = Buffer.from('EXI CertificateInstallationRes').toString('base64');
      const seen: unknown[] = [];
      const pool: EvCertificateProvider = {
        name: 'test-pool',
        evCertificate: async (stationId, request) => {
          seen.push([stationId, request]);
          return { status: 'Accepted', exiResponse, remainingContracts: 2 };
        },
      };
      // Answers only for its own issuer, like the site CA will for certificates it issued.
      const siteCa: CertificateStatusSource = {
        name: 'site-ca',
        status: async (_stationId, request) => (request.issuerKeyHash === 'ee'.repeat(32) ? { status: 'Accepted', ocspResult: 'MIIB' } : undefined),
      };
      iso15118.useProvider(pool);
      const removeSource = iso15118.addStatusSource(siteCa);
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      try {
        const update = { iso15118SchemaVersion: 'urn:iso:std:iso:15118:-20:CommonMessages', action: 'Update', exiRequest, ...(version === '2.1' ? { maximumContractCertificateChains: 3, prioritizedEMAIDs: ['DE-ABC-C12345678-9'] } : {}) };
        const ev: any = await cs.call('Get15118EVCertificate', update);
        assert.deepEqual(ev, version === '2.1' ? { status: 'Accepted', exiResponse, remainingContracts: 2 } : { status: 'Accepted', exiResponse }, '2.0.1 has no remainingContracts');
        assert.deepEqual(seen, [[id, update]]);

        assert.deepEqual(await cs.call('GetCertificateStatus', { ocspRequestData: ocspRequestData('01', 'ee'.repeat(32)) }), { status: 'Accepted', ocspResult: 'MIIB' });
        const other: any = await cs.call('GetCertificateStatus', { ocspRequestData: ocspRequestData('02') });
        assert.equal(other.statusInfo.reasonCode, 'NoOcspConnection', 'an issuer no source knows');

        iso15118.useProvider({ name: 'broken-pool', evCertificate: async () => Promise.reject(new Error('pool unreachable')) });
        const broken: any = await cs.call('Get15118EVCertificate', update);
        assert.deepEqual([broken.status, broken.exiResponse, broken.statusInfo.reasonCode, broken.statusInfo.additionalInfo], ['Failed', '', 'ProviderError', 'broken-pool: pool unreachable']);

        const answeredBy = (await getJson(api(`/stations/${id}/iso15118-requests`))).body.items.map((r: any) => [r.action, r.status, r.answeredBy]).reverse();
        assert.deepEqual(answeredBy, [
          ['Get15118EVCertificate', 'Accepted', 'test-pool'],
          ['GetCertificateStatus', 'Accepted', 'site-ca'],
          ['GetCertificateStatus', 'Failed', 'offline'],
          ['Get15118EVCertificate', 'Failed', 'broken-pool'],
        ]);
        assert.deepEqual(strict, []);
      } finally {
        iso15118.useProvider(offlineProvider);
        removeSource();
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: install / list / delete V2G and MO root certificates and the V2G chain (commands)`, async () => {
      const id = `V2G-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const calls: Array<[string, any]> = [];
      const installAnswers = ['Accepted', 'Accepted', 'Rejected'];
      const deleteAnswers = ['Accepted', 'NotFound', 'Failed'];
      cs.handle('InstallCertificate', async ({ params }: any) => (calls.push(['InstallCertificate', params]), { status: installAnswers.shift() }));
      cs.handle('DeleteCertificate', async ({ params }: any) => (calls.push(['DeleteCertificate', params]), { status: deleteAnswers.shift() }));
      const chain = { certificateType: 'V2GCertificateChain', certificateHashData: { ...v2gRoot.hashData, serialNumber: 'c1' }, childCertificateHashData: [{ ...v2gRoot.hashData, serialNumber: 'c2' }] };
      let reported: unknown[] = [chain, { certificateType: 'MORootCertificate', certificateHashData: moRoot.hashData }];
      cs.handle('GetInstalledCertificateIds', async ({ params }: any) => {
        calls.push(['GetInstalledCertificateIds', params]);
        return reported.length ? { status: 'Accepted', certificateHashDataChain: reported } : { status: 'NotFound' };
      });
      const inventory = async () => (await getJson(api(`/stations/${id}/certificates`))).body.items.map((i: any) => [i.certificateType, i.serialNumber, i.source, i.childCertificateHashData?.length ?? 0]);
      try {
        assert.equal((await command(id, 'installCertificate', { certificateType: 'V2GRootCertificate', certificate: v2gRoot.pem })).body.status, 'accepted');
        assert.equal((await command(id, 'installCertificate', { certificateType: 'MORootCertificate', certificate: moRoot.pem })).body.status, 'accepted');
        assert.deepEqual(calls.slice(0, 2), [
          ['InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: v2gRoot.pem }],
          ['InstallCertificate', { certificateType: 'MORootCertificate', certificate: moRoot.pem }],
        ]);
        assert.deepEqual(await inventory(), [
          ['MORootCertificate', moRoot.hashData.serialNumber, 'installed', 0],
          ['V2GRootCertificate', v2gRoot.hashData.serialNumber, 'installed', 0],
        ]);
        const refused = await command(id, 'installCertificate', { certificateType: 'V2GRootCertificate', certificate: moRoot.pem });
        assert.equal(refused.body.status, 'rejected');
        assert.equal((await inventory()).length, 2, 'a refused install is not in the inventory');

        const types = ['V2GRootCertificate', 'MORootCertificate', 'V2GCertificateChain'];
        const listed = await command(id, 'getInstalledCertificateIds', { certificateType: types });
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        assert.deepEqual(calls.at(-1), ['GetInstalledCertificateIds', { certificateType: types }]);
        assert.deepEqual(listed.body.result.certificates.map((c: any) => [c.certificateType, c.serialNumber]), [['V2GCertificateChain', 'c1'], ['MORootCertificate', moRoot.hashData.serialNumber]]);
        // What the station reports for the asked types replaces what Ampyard knew: the V2G root is gone.
        assert.deepEqual(await inventory(), [
          ['MORootCertificate', moRoot.hashData.serialNumber, 'station', 0],
          ['V2GCertificateChain', 'c1', 'station', 1],
        ]);

        const deleted = await command(id, 'deleteCertificate', { certificateHashData: moRoot.hashData });
        assert.deepEqual([deleted.body.status, deleted.body.result.removedFromInventory], ['accepted', 1]);
        assert.deepEqual(calls.at(-1), ['DeleteCertificate', { certificateHashData: moRoot.hashData }]);
        const notFound = await command(id, 'deleteCertificate', { certificateHashData: chain.certificateHashData });
        assert.deepEqual([notFound.body.status, notFound.body.result.removedFromInventory], ['notfound', 1], 'the station does not have it, so neither does the inventory');
        const failed = await command(id, 'deleteCertificate', { certificateHashData: v2gRoot.hashData });
        assert.deepEqual([failed.body.status, failed.body.result], ['failed', undefined]);
        assert.deepEqual(await inventory(), []);

        reported = [];
        assert.equal((await command(id, 'getInstalledCertificateIds', { certificateType: 'V2GRootCertificate' })).body.status, 'notfound');
        const oem = await command(id, 'getInstalledCertificateIds', { certificateType: 'OEMRootCertificate' });
        assert.equal(oem.status, version === '2.1' ? 200 : 422, 'OEM roots are OCPP 2.1');
        assert.equal((await command(id, 'installCertificate', { certificateType: 'V2GRootCertificate', certificate: 'not a certificate' })).status, 400);
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });
  }

  it('OCPP 1.6 stations take no V2G or MO roots (422); malformed M requests get a CALLERROR and are not recorded', async () => {
    const cp = await strictStation(server, 'ISO-16', '1.6');
    try {
      for (const certificateType of ['V2GRootCertificate', 'MORootCertificate']) {
        assert.equal((await command('ISO-16', 'installCertificate', { certificateType, certificate: v2gRoot.pem })).status, 422);
      }
      assert.equal((await command('ISO-16', 'getInstalledCertificateIds', { certificateType: 'V2GCertificateChain' })).status, 422);
    } finally {
      await cp.close({ code: 1000 });
    }
    await postJson(api('/stations'), { id: 'ISO-RAW' });
    const raw = await RawClient.connect(server.wsUrl('ISO-RAW'), 'ocpp2.0.1');
    try {
      await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      const noExi = await raw.call('Get15118EVCertificate', { iso15118SchemaVersion: 'x', action: 'Install' });
      assert.equal(noExi[0], 4);
      const badAction = await raw.call('Get15118EVCertificate', { iso15118SchemaVersion: 'x', action: 'Renew', exiRequest });
      assert.equal(badAction[0], 4);
      const noResponder = await raw.call('GetCertificateStatus', { ocspRequestData: { ...ocspRequestData('1'), responderURL: undefined } });
      assert.equal(noResponder[0], 4);
      assert.deepEqual((await getJson(api('/stations/ISO-RAW/iso15118-requests'))).body.items, []);
    } finally {
      await raw.close();
    }
    assert.equal((await getJson(api('/stations/NOPE/iso15118-requests'))).status, 404);
  });
});
