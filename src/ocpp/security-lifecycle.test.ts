import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { eventually, getJson, postJson } from '../testing/raw-client.ts';
import { makeStationCsr } from '../testing/security.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

type Version = '1.6' | '2.0.1';

/**
 * A charger's persistent state across connections, as a real one keeps it: configuration, installed CSMS
 * root, its key and certificate, and (2.x) its network connection profiles.
 */
interface Device {
  id: string;
  version: Version;
  config: Map<string, string>;
  csmsRoot: string | null;
  key: string | null;
  chain: string | null;
  networkProfiles: Map<number, Record<string, any>>;
  calls: string[];
  csrAnswers: string[];
}

const boot = (version: Version) =>
  version === '1.6'
    ? { chargePointVendor: 'Strict', chargePointModel: 'Secure', firmwareVersion: '1.0' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Strict', model: 'Secure' } };

describe('a station’s security lifecycle: profile 1 → password rotation → profile 2 → certificate → profile 3 (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  let api: string;
  const clients: RPCClient[] = [];
  const strictFailures: unknown[] = [];

  before(async () => {
    server = await startTestServer({ allowProfile0: false, tlsPort: -1, callTimeoutSeconds: 3 });
    api = `${server.baseUrl}/api/v1`;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => undefined)));
    await server.stop();
    assert.deepEqual(strictFailures, [], 'nothing Ampyard sent failed the official schemas');
  });

  const state = async (id: string) => (await getJson(`${api}/stations/${id}/security`)).body;
  const ownEvents = async (id: string) =>
    (await getJson(`${api}/security-events?source=csms&stationId=${id}&limit=100`)).body.items.map((e: any) => e.type).reverse() as string[];

  /** Handlers of the charger's side, bound to its device state (a real charger answers the same on every connection). */
  function handle(client: RPCClient, device: Device): void {
    const record = (action: string) => device.calls.push(action);
    const makeCsr = () => {
      setImmediate(async () => {
        const organization = device.config.get(device.version === '1.6' ? 'CpoName' : 'SecurityCtrlr/OrganizationName') ?? 'unset';
        const { csr, key } = await makeStationCsr(device.id, organization);
        device.key = key;
        const answer: any = await client.call('SignCertificate', device.version === '1.6' ? { csr } : { csr, certificateType: 'ChargingStationCertificate' });
        device.csrAnswers.push(answer.status);
      });
    };
    client.handle('InstallCertificate', async ({ params }: any) => {
      record('InstallCertificate');
      device.csmsRoot = params.certificate;
      return { status: 'Accepted' };
    });
    client.handle('CertificateSigned', async ({ params }: any) => {
      record('CertificateSigned');
      device.chain = params.certificateChain;
      return { status: 'Accepted' };
    });
    client.handle('Reset', async () => (record('Reset'), { status: 'Accepted' }));
    if (device.version === '1.6') {
      client.handle('ChangeConfiguration', async ({ params }: any) => {
        record(`ChangeConfiguration ${params.key}`);
        device.config.set(params.key, params.value);
        return { status: 'Accepted' };
      });
      client.handle('ExtendedTriggerMessage', async ({ params }: any) => {
        record(`ExtendedTriggerMessage ${params.requestedMessage}`);
        if (params.requestedMessage === 'SignChargePointCertificate') makeCsr();
        return { status: 'Accepted' };
      });
    } else {
      client.handle('SetVariables', async ({ params }: any) => ({
        setVariableResult: params.setVariableData.map((d: any) => {
          record(`SetVariables ${d.component.name}/${d.variable.name}`);
          device.config.set(`${d.component.name}/${d.variable.name}`, d.attributeValue);
          return { attributeStatus: 'Accepted', component: d.component, variable: d.variable };
        }),
      }));
      client.handle('GetVariables', async ({ params }: any) => ({
        getVariableResult: params.getVariableData.map((d: any) => {
          record(`GetVariables ${d.component.name}/${d.variable.name}`);
          const value = device.config.get(`${d.component.name}/${d.variable.name}`);
          return value === undefined
            ? { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable }
            : { attributeStatus: 'Accepted', attributeValue: value, component: d.component, variable: d.variable };
        }),
      }));
      client.handle('SetNetworkProfile', async ({ params }: any) => {
        record('SetNetworkProfile');
        device.networkProfiles.set(params.configurationSlot, params.connectionData);
        return { status: 'Accepted' };
      });
      client.handle('TriggerMessage', async ({ params }: any) => {
        record(`TriggerMessage ${params.requestedMessage}`);
        if (params.requestedMessage === 'SignChargingStationCertificate') makeCsr();
        return { status: 'Accepted' };
      });
    }
  }

  /** Connects the device as a strict ocpp-rpc client and boots it; rejects with the HTTP status when refused. */
  async function connect(device: Device, how: { endpoint: string; password?: string | Buffer; certificate?: boolean }): Promise<RPCClient> {
    const tls = how.endpoint.startsWith('wss:');
    const client = new RPCClient({
      endpoint: how.endpoint,
      identity: device.id,
      protocols: [`ocpp${device.version}`],
      strictMode: true,
      reconnect: false,
      callTimeoutMs: 5000,
      ...(how.password !== undefined ? { password: how.password } : {}),
      ...(tls ? { wsOpts: { ca: device.csmsRoot, ...(how.certificate ? { cert: device.chain, key: device.key } : {}) } } : {}),
    } as ConstructorParameters<typeof RPCClient>[0]);
    client.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
    handle(client, device);
    await client.connect();
    clients.push(client);
    assert.equal(((await client.call('BootNotification', boot(device.version))) as any).status, 'Accepted');
    return client;
  }

  async function refused(device: Device, how: Parameters<typeof connect>[1]): Promise<number | undefined> {
    try {
      const client = await connect(device, how);
      await client.close();
      return undefined;
    } catch (error) {
      return Number((error as { code?: unknown }).code ?? 0);
    }
  }

  const newDevice = (id: string, version: Version): Device => ({
    id,
    version,
    config: new Map(version === '2.0.1' ? [['OCPPCommCtrlr/NetworkConfigurationPriority', '1']] : []),
    csmsRoot: null,
    key: null,
    chain: null,
    networkProfiles: new Map(),
    calls: [],
    csrAnswers: [],
  });

  for (const version of ['1.6', '2.0.1'] as const) {
    it(`OCPP ${version}`, async () => {
      const id = version === '1.6' ? 'LIFE-16' : 'LIFE-201';
      const device = newDevice(id, version);
      const ws = `ws://127.0.0.1:${server.port}/ocpp`;
      const wss = `wss://127.0.0.1:${server.appliance.tlsPort}/ocpp`;

      // Profile 1: the password from the registration.
      const registered = await postJson(`${api}/stations`, { id });
      const first: string = registered.body.credentials.password;
      let client = await connect(device, { endpoint: ws, password: first });
      assert.deepEqual([(await state(id)).securityProfile, (await state(id)).lastProfile], [1, 1]);

      // Password rotation: the old one works until the station has connected with the new one.
      const rotated = await postJson(`${api}/stations/${id}/security/password`, {});
      assert.equal(rotated.status, 200);
      assert.equal(rotated.body.status, 'accepted');
      const second: string = rotated.body.result.password;
      assert.match(second, /^[A-Za-z0-9]{20}$/);
      const sent = version === '1.6' ? device.config.get('AuthorizationKey')! : device.config.get('SecurityCtrlr/BasicAuthPassword')!;
      assert.equal(sent, version === '1.6' ? Buffer.from(second).toString('hex') : second, '1.6 sends the key as hex');
      const log = JSON.stringify((await getJson(`${api}/stations/${id}/messages?limit=50`)).body.items);
      assert.ok(!log.includes(second) && !log.includes(sent) && log.includes('(redacted)'), 'no password in the message log');
      assert.equal((await state(id)).passwordChangePending, true);
      await client.close();
      client = await connect(device, { endpoint: ws, password: first });
      assert.equal((await state(id)).lastCredential, 'previous-password');
      await client.close();
      // 1.6: the whitepaper's form, the decoded key bytes; 2.x: the password as it is.
      client = await connect(device, { endpoint: ws, password: version === '1.6' ? Buffer.from(sent, 'hex') : sent });
      assert.deepEqual([(await state(id)).lastCredential, (await state(id)).passwordChangePending], ['password', false]);
      await client.close();
      assert.equal(await refused(device, { endpoint: ws, password: first }), 401, 'the old password is gone');
      client = await connect(device, { endpoint: ws, password: second });

      // Upgrade to profile 2: site CA installed, the switch sent; until the station has connected with TLS, profile 1 stays accepted.
      device.calls.length = 0;
      const up2 = await postJson(`${api}/stations/${id}/security/upgrade`, { securityProfile: 2 });
      assert.equal(up2.status, 200, JSON.stringify(up2.body));
      assert.equal(up2.body.status, 'accepted');
      assert.equal(device.csmsRoot, await (await fetch(`${server.baseUrl}/pki/ca.pem`)).text());
      let tlsEndpoint = wss;
      if (version === '1.6') {
        assert.deepEqual(device.calls, ['InstallCertificate', 'ChangeConfiguration SecurityProfile']);
        assert.equal(device.config.get('SecurityProfile'), '2');
      } else {
        assert.deepEqual(device.calls, ['InstallCertificate', 'GetVariables OCPPCommCtrlr/NetworkConfigurationPriority', 'SetNetworkProfile', 'SetVariables OCPPCommCtrlr/NetworkConfigurationPriority', 'Reset']);
        const profile = device.networkProfiles.get(2)!;
        assert.deepEqual(
          { url: profile['ocppCsmsUrl'], securityProfile: profile['securityProfile'], priority: device.config.get('OCPPCommCtrlr/NetworkConfigurationPriority') },
          { url: wss, securityProfile: 2, priority: '2,1' },
        );
        tlsEndpoint = profile['ocppCsmsUrl'];
      }
      assert.deepEqual([(await state(id)).securityProfile, (await state(id)).pendingProfile], [1, 2]);
      await client.close();
      // The station cannot reach the new profile and falls back to its previous one: still accepted.
      client = await connect(device, { endpoint: ws, password: second });
      await client.close();
      client = await connect(device, { endpoint: tlsEndpoint, password: second });
      assert.deepEqual([(await state(id)).securityProfile, (await state(id)).pendingProfile, (await state(id)).lastProfile], [2, null, 2]);
      assert.equal(await refused(device, { endpoint: ws, password: second }), 401, 'lower than 2 is refused from now on');

      // SignCertificate: Ampyard sets the organization, triggers the CSR, signs it and delivers it without operator action.
      const requested = await postJson(`${api}/stations/${id}/security/certificate`, {});
      assert.equal(requested.body.status, 'accepted', JSON.stringify(requested.body));
      await eventually(() => device.chain !== null, 5000, 'CertificateSigned');
      assert.deepEqual(device.csrAnswers, ['Accepted']);
      const leaf = new X509Certificate(device.chain!);
      assert.match(leaf.subject, new RegExp(`^CN=${id}\\nO=Ampyard$`));
      assert.ok(leaf.checkIssued(new X509Certificate(device.csmsRoot!)));
      const issued = await eventually(async () => {
        const items = (await getJson(`${api}/stations/${id}/security/certificates`)).body.items;
        return items[0]?.delivery === 'accepted' ? items : undefined;
      }, 3000, 'the delivery recorded');
      assert.equal(issued[0].validity, 'valid');
      assert.equal(issued[0].serialNumber, leaf.serialNumber.toLowerCase().replace(/^0+/, ''));
      const [csr] = (await getJson(`${api}/stations/${id}/csrs`)).body.items;
      assert.deepEqual([csr.status, csr.certificateStatus], ['installed', 'accepted']);

      // Upgrade to profile 3, then reconnect with its own certificate and no password.
      device.calls.length = 0;
      const up3 = await postJson(`${api}/stations/${id}/security/upgrade`, { securityProfile: 3 });
      assert.equal(up3.body.status, 'accepted', JSON.stringify(up3.body));
      if (version === '2.0.1') {
        assert.equal(device.networkProfiles.get(3)!['securityProfile'], 3);
        assert.equal(device.config.get('OCPPCommCtrlr/NetworkConfigurationPriority'), '3,2,1');
        tlsEndpoint = device.networkProfiles.get(3)!['ocppCsmsUrl'];
      }
      await client.close();
      client = await connect(device, { endpoint: tlsEndpoint, certificate: true });
      assert.deepEqual([(await state(id)).securityProfile, (await state(id)).lastCredential], [3, 'certificate']);
      assert.equal(await refused(device, { endpoint: tlsEndpoint, password: second }), 401, 'the password alone is not enough any more');

      // Renewal: close to its end, the station is asked for a new CSR, which is signed and delivered again.
      const firstChain = device.chain;
      const asked = await server.appliance.services.stationCa.checkRenewals(Date.parse(issued[0].notAfter) - 5 * 86_400_000);
      assert.ok(asked.includes(id));
      await eventually(() => device.chain !== firstChain, 5000, 'the renewed certificate');
      await eventually(async () => (await getJson(`${api}/stations/${id}/security/certificates`)).body.items.filter((c: any) => c.delivery === 'accepted').length === 2, 3000, 'two certificates');
      assert.equal((await server.appliance.services.stationCa.checkRenewals()).includes(id), false, 'the new certificate is not due');

      // Revocation: the connection made with the certificate is closed, and it cannot connect again.
      await client.close();
      const renewedSerial = new X509Certificate(device.chain!).serialNumber.toLowerCase().replace(/^0+/, '');
      client = await connect(device, { endpoint: tlsEndpoint, certificate: true });
      const closed = new Promise((resolve) => client.once('close', resolve));
      const revoked = await postJson(`${api}/stations/${id}/security/certificates/${renewedSerial}/revoke`, { reason: 'key compromise drill' });
      assert.equal(revoked.body.validity, 'revoked');
      await closed;
      assert.equal(await refused(device, { endpoint: tlsEndpoint, certificate: true }), 401);

      const events = await ownEvents(id);
      for (const type of ['StationPasswordChanged', 'FailedStationAuthentication', 'SecurityProfileChanged', 'SecurityProfileDowngradeRefused', 'StationCertificateIssued', 'StationCertificateRevoked', 'InvalidChargingStationCertificate']) {
        assert.ok(events.includes(type), `${type} in ${events.join(', ')}`);
      }
    });
  }

  it('an invalid CSR is Rejected with the reason and a security event; nothing is signed', async () => {
    const device = newDevice('LIFE-BADCSR', '1.6');
    const registered = await postJson(`${api}/stations`, { id: device.id });
    const client = await connect(device, { endpoint: `ws://127.0.0.1:${server.port}/ocpp`, password: registered.body.credentials.password });
    const cases: Array<[Promise<{ csr: string }>, string]> = [
      [makeStationCsr('SOMEONE-ELSE', 'Ampyard'), "CN must be the station id 'LIFE-BADCSR', is 'SOMEONE-ELSE'"],
      [makeStationCsr(device.id, 'Other Org'), "O must be the site's organization 'Ampyard' (1.6: CpoName, 2.x: SecurityCtrlr.OrganizationName), is 'Other Org'"],
      [makeStationCsr(device.id, 'Ampyard', 'rsa1024'), 'an RSA key of 1024 bits is too short (at least 2048)'],
      [makeStationCsr(device.id, 'Ampyard', 'ed25519'), 'a Ed25519 key is not accepted (RSA of at least 2048 bits, or EC P-256/P-384)'],
      [makeStationCsr(device.id, 'Ampyard').then(({ csr }) => ({ csr: tamper(csr) })), 'the CSR signature does not verify'],
    ];
    for (const [made, reason] of cases) {
      assert.deepEqual(await client.call('SignCertificate', { csr: (await made).csr }), { status: 'Rejected' }, reason);
    }
    assert.deepEqual(await client.call('SignCertificate', { csr: (await makeStationCsr(device.id, 'Ampyard', 'rsa')).csr }), { status: 'Accepted' }, 'RSA 2048 is fine');
    const csrs = (await getJson(`${api}/stations/${device.id}/csrs`)).body.items.reverse();
    assert.deepEqual(csrs.slice(0, cases.length).map((c: any) => [c.status, c.rejectReason]), cases.map(([, reason]) => ['rejected', reason]));
    assert.equal((await ownEvents(device.id)).filter((t) => t === 'InvalidCsr').length, cases.length);
    await eventually(() => device.chain !== null, 3000, 'the valid one signed');
  });

  it('profile upgrades need what OCPP needs first: no remote downgrade, a certificate for 3; offline → 409', async () => {
    const device = newDevice('LIFE-PRE', '2.0.1');
    const registered = await postJson(`${api}/stations`, { id: device.id });
    const client = await connect(device, { endpoint: `ws://127.0.0.1:${server.port}/ocpp`, password: registered.body.credentials.password });
    const upgrade = (body: unknown) => postJson(`${api}/stations/${device.id}/security/upgrade`, body);
    const lower = await upgrade({ securityProfile: 1 });
    assert.equal(lower.status, 409);
    assert.match(lower.body.error.message, /does not allow lowering it remotely/);
    assert.equal((await upgrade({ securityProfile: 3 })).status, 409, 'no certificate yet');
    assert.equal((await upgrade({ securityProfile: 4 })).status, 400);
    assert.deepEqual(device.calls, [], 'nothing reached the station');
    const generic = await postJson(`${api}/stations/${device.id}/commands/changeConfiguration`, { key: 'SecurityCtrlr/BasicAuthPassword', value: 'x'.repeat(16) });
    assert.equal(generic.status, 400, 'passwords only through setStationPassword');
    await client.close();
    await eventually(async () => !(await getJson(`${api}/stations/${device.id}`)).body.connected, 3000, 'offline');
    assert.equal((await upgrade({ securityProfile: 2 })).status, 409);
    assert.equal((await postJson(`${api}/stations/${device.id}/security/password`, {})).status, 409);
  });
});

/** Flips a character in the last line of the base64 body (the signature): it no longer matches. */
function tamper(pem: string): string {
  const lines = pem.trim().split('\n');
  const i = lines.length - 2;
  const line = lines[i]!;
  lines[i] = line.slice(0, 4) + (line[4] === 'A' ? 'B' : 'A') + line.slice(5);
  return lines.join('\n') + '\n';
}

