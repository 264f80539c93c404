import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { RPCClient, createValidator } from 'ocpp-rpc';
import { getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

// ocpp-rpc 2.2.1 names its 2.1 schemas `urn:XRequest`/`urn:XResponse` but looks them up as `urn:X.req`/`urn:X.conf`,
// so its own strict mode rejects every 2.1 message. Give it the same schemas under the ids it looks for.
const require = createRequire(import.meta.url);
const schemas21 = (require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string }>).map((s) => ({
  ...s,
  $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf'),
}));
const validator21 = createValidator('ocpp2.1', schemas21);

const bootPayload = (version: string) =>
  version === '1.6'
    ? { chargePointVendor: 'RPC', chargePointModel: 'Strict', firmwareVersion: '1.0' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'RPC', model: 'Strict', firmwareVersion: '1.0' } };

const statusPayload = (version: string) =>
  version === '1.6'
    ? { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() }
    : { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 };

describe('conformance: an independent strict-schema OCPP client (ocpp-rpc, strictMode) as the station', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bootRetrySeconds: 5 });
  });
  after(() => server.stop());

  for (const version of ['1.6', '2.0.1', '2.1'] as const) {
    it(`OCPP ${version}: Pending boot, approval, triggered boot, Accepted, heartbeat and status — every message schema-checked`, async () => {
      const identity = `RPC-${version.replaceAll('.', '')}`;
      const client = new RPCClient({
        endpoint: `ws://127.0.0.1:${server.port}/ocpp`,
        identity,
        protocols: [`ocpp${version}`],
        strictMode: true,
        ...(version === '2.1' ? { strictModeValidators: [validator21] } : {}),
        reconnect: false,
        // ocpp-rpc's typings mark every option as required.
      } as ConstructorParameters<typeof RPCClient>[0]);
      const strictFailures: unknown[] = [];
      client.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
      let triggered = 0;
      client.handle('TriggerMessage', async ({ params }) => {
        assert.ok(params);
        assert.equal(params.requestedMessage, 'BootNotification');
        triggered++;
        return { status: 'Accepted' };
      });
      await client.connect();
      try {
        const first: any = await client.call('BootNotification', bootPayload(version));
        assert.equal(first.status, 'Pending');
        assert.equal(first.interval, 5);

        const approved = await postJson(`${server.baseUrl}/api/v1/stations/${identity}/approve`);
        assert.equal(approved.body.registration, 'accepted');
        const deadline = Date.now() + 3000;
        while (triggered === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.equal(triggered, 1, 'approval triggers a BootNotification');

        const second: any = await client.call('BootNotification', bootPayload(version));
        assert.equal(second.status, 'Accepted');
        const hb: any = await client.call('Heartbeat', {});
        assert.ok(Date.parse(hb.currentTime) > 0);
        assert.deepEqual(await client.call('StatusNotification', statusPayload(version)), {});

        const station = (await getJson(`${server.baseUrl}/api/v1/stations/${identity}`)).body;
        assert.equal(station.ocppVersion, version);
        assert.equal(station.vendor, 'RPC');
        assert.equal(station.evses[0].connectors[0].status, 'available');
        assert.deepEqual(strictFailures, [], 'no message from the CSMS failed the strict schema check');
      } finally {
        await client.close({ code: 1000 });
      }
    });
  }
});
