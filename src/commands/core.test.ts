import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation, type StrictClient } from '../testing/strict-station.ts';

describe('version-neutral commands through the REST API (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  let cp16: StrictClient;
  let cs201: StrictClient;
  const received: Array<{ station: string; action: string; params: any }> = [];
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, body: unknown = {}) => postJson(api(`/stations/${station}/commands/${name}`), body);

  const answer = (client: StrictClient, station: string, action: string, reply: (params: any) => any) =>
    client.handle(action, async ({ params }: any) => {
      received.push({ station, action, params });
      return reply(params);
    });

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 1 });
    await patchSettings({ remoteStartTimeoutSeconds: 1 });
    cp16 = await strictStation(server, 'CMD-16', '1.6');
    cs201 = await strictStation(server, 'CMD-201', '2.0.1');
    for (const [client, id] of [[cp16, 'CMD-16'], [cs201, 'CMD-201']] as const) {
      for (const action of ['Reset', 'UnlockConnector', 'ChangeAvailability', 'TriggerMessage', 'ClearCache', 'RemoteStartTransaction', 'RemoteStopTransaction', 'RequestStartTransaction', 'RequestStopTransaction']) {
        answer(client, id, action, () => (action === 'UnlockConnector' ? { status: 'Unlocked' } : { status: 'Accepted' }));
      }
    }
    answer(cp16, 'CMD-16', 'GetConfiguration', (p) => ({
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '300' },
        { key: 'NumberOfConnectors', readonly: true, value: '2' },
      ].filter((k) => !p.key || p.key.includes(k.key)),
      ...(p.key ? { unknownKey: p.key.filter((k: string) => k !== 'HeartbeatInterval' && k !== 'NumberOfConnectors') } : {}),
    }));
    answer(cp16, 'CMD-16', 'ChangeConfiguration', (p) => ({ status: p.key === 'NumberOfConnectors' ? 'Rejected' : 'Accepted' }));
    answer(cp16, 'CMD-16', 'DataTransfer', () => ({ status: 'Accepted', data: 'pong' }));
    async function patchSettings(body: unknown) {
      await server.api('/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }
  });
  after(async () => {
    // force: the test left a handler that never answers, which a graceful close would wait for.
    await cp16.close({ force: true });
    await cs201.close({ force: true });
    await server.stop();
  });

  const last = () => received[received.length - 1]!;

  it('translates the same command for 1.6 and 2.0.1 stations', async () => {
    const cases: Array<[string, unknown, string, unknown, string, unknown]> = [
      ['reset', { type: 'hard' }, 'Reset', { type: 'Hard' }, 'Reset', { type: 'Immediate' }],
      ['reset', {}, 'Reset', { type: 'Soft' }, 'Reset', { type: 'OnIdle' }],
      ['unlock', { evseId: 2 }, 'UnlockConnector', { connectorId: 2 }, 'UnlockConnector', { evseId: 2, connectorId: 1 }],
      ['changeAvailability', { operative: false }, 'ChangeAvailability', { connectorId: 0, type: 'Inoperative' }, 'ChangeAvailability', { operationalStatus: 'Inoperative' }],
      ['changeAvailability', { evseId: 1, operative: true }, 'ChangeAvailability', { connectorId: 1, type: 'Operative' }, 'ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } }],
      ['trigger', { message: 'StatusNotification', evseId: 1 }, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1 } }],
      ['clearCache', {}, 'ClearCache', {}, 'ClearCache', {}],
    ];
    for (const [name, params, action16, payload16, action2, payload2] of cases) {
      const r16 = await command('CMD-16', name, params);
      assert.equal(r16.status, 200, JSON.stringify(r16.body));
      assert.deepEqual([last().action, last().params], [action16, payload16], `${name} 1.6`);
      const r2 = await command('CMD-201', name, params);
      assert.equal(r2.status, 200, JSON.stringify(r2.body));
      assert.deepEqual([last().action, last().params], [action2, payload2], `${name} 2.0.1`);
      assert.equal(r16.body.status, name === 'unlock' ? 'unlocked' : 'accepted');
    }
  });

  it('starts remotely, tracks the pending start until the station starts, expires one that never starts, and stops by transaction id', async () => {
    await postJson(api('/id-tokens'), { token: 'REMOTE-1' });
    const started = await command('CMD-16', 'startCharging', { evseId: 1, idToken: 'REMOTE-1' });
    assert.equal(started.body.status, 'accepted');
    assert.deepEqual(last().params, { idTag: 'REMOTE-1', connectorId: 1 });
    assert.equal((await getJson(api('/stations/CMD-16/pending-starts'))).body.items.length, 1);
    const { transactionId }: any = await cp16.call('StartTransaction', { connectorId: 1, idTag: 'REMOTE-1', meterStart: 0, timestamp: new Date().toISOString() });
    assert.equal((await getJson(api('/stations/CMD-16/pending-starts'))).body.items.length, 0);

    await command('CMD-16', 'startCharging', { evseId: 2, idToken: 'REMOTE-1' });
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal((await getJson(api('/stations/CMD-16/pending-starts'))).body.items.length, 0);
    const warnings = (await getJson(api('/stations/CMD-16/warnings'))).body.items;
    assert.ok(warnings.some((w: any) => w.kind === 'remote-start-expired'));

    const stopped = await command('CMD-16', 'stopCharging', { transactionId });
    assert.equal(stopped.body.status, 'accepted');
    assert.deepEqual([last().action, last().params], ['RemoteStopTransaction', { transactionId }]);

    await command('CMD-201', 'startCharging', { idToken: 'REMOTE-1' });
    assert.equal(last().action, 'RequestStartTransaction');
    assert.deepEqual(last().params.idToken, { idToken: 'REMOTE-1', type: 'Central' });
    assert.ok(Number.isInteger(last().params.remoteStartId));
  });

  it('reads and changes 1.6 configuration, keeping what it read', async () => {
    const all = await command('CMD-16', 'getConfiguration');
    assert.equal(all.body.result.configuration.length, 2);
    const some = await command('CMD-16', 'getConfiguration', { keys: ['HeartbeatInterval', 'Bogus'] });
    assert.deepEqual(some.body.result.unknownKeys, ['Bogus']);
    assert.equal((await command('CMD-16', 'changeConfiguration', { key: 'HeartbeatInterval', value: '120' })).body.status, 'accepted');
    assert.equal((await command('CMD-16', 'changeConfiguration', { key: 'NumberOfConnectors', value: '9' })).body.status, 'rejected');
    const stored = (await getJson(api('/stations/CMD-16/configuration'))).body.items;
    assert.deepEqual(stored.map((e: any) => [e.key, e.value, e.readonly]), [['HeartbeatInterval', '120', false], ['NumberOfConnectors', '2', true]]);
  });

  it('sends and receives DataTransfer, recording both', async () => {
    const out = await command('CMD-16', 'dataTransfer', { vendorId: 'com.acme', messageId: 'ping', data: { n: 1 } });
    assert.equal(out.body.status, 'accepted');
    assert.equal(last().params.data, '{"n":1}', '1.6 data is a string');
    const incoming: any = await cp16.call('DataTransfer', { vendorId: 'com.unknown', data: 'x' });
    assert.equal(incoming.status, 'UnknownVendorId');
    const log = (await getJson(api('/stations/CMD-16/data-transfers'))).body.items;
    assert.deepEqual(log.map((d: any) => [d.direction, d.vendorId, d.status]), [['in', 'com.unknown', 'UnknownVendorId'], ['out', 'com.acme', 'Accepted']]);
  });

  it('raw OCPP for installers is schema-checked before sending', async () => {
    const ok = await postJson(api('/stations/CMD-16/ocpp/ClearCache'), {});
    assert.deepEqual(ok.body, { response: { status: 'Accepted' } });
    const bad = await postJson(api('/stations/CMD-16/ocpp/Reset'), { type: 'Sideways' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_ocpp_payload');
  });

  it('gives clear errors: bad params, unknown command, unsupported for the version, ended transaction, offline, timeout, station CALLERROR', async () => {
    const bad = await command('CMD-16', 'unlock', { evseId: 'one', extra: 1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation');
    assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), ['evseId', 'extra']);
    assert.equal((await command('CMD-16', 'teleport')).status, 404);
    const unsupported = await command('CMD-16', 'reset', { evseId: 1 });
    assert.equal(unsupported.status, 422);
    assert.equal((await command('CMD-16', 'getTransactionStatus')).status, 422);

    const { transactionId }: any = await cp16.call('StartTransaction', { connectorId: 2, idTag: 'REMOTE-1', meterStart: 0, timestamp: new Date().toISOString() });
    await cp16.call('StopTransaction', { transactionId, meterStop: 10, timestamp: new Date().toISOString() });
    assert.equal((await command('CMD-16', 'stopCharging', { transactionId })).status, 409);
    assert.equal((await command('CMD-16', 'stopCharging', { transactionId: 999999 })).status, 404);

    await postJson(api('/stations'), { id: 'CMD-OFF' });
    const offline = await command('CMD-OFF', 'reset');
    assert.deepEqual([offline.status, offline.body.error.code], [409, 'station_offline']);
    assert.equal((await command('NO-SUCH', 'reset')).status, 404);

    cp16.handle('UnlockConnector', () => new Promise(() => undefined));
    const timeout = await command('CMD-16', 'unlock', { evseId: 1 });
    assert.deepEqual([timeout.status, timeout.body.error.code], [504, 'station_timeout']);

    cp16.handle('ClearCache', () => {
      throw Object.assign(new Error('busy'), { rpcErrorCode: 'GenericError' });
    });
    const failed = await command('CMD-16', 'clearCache');
    assert.equal(failed.status, 502);
    assert.equal(failed.body.error.code, 'station_error');
  });
});
