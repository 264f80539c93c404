import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const variable = (component: string, name: string, value: string, mutability = 'ReadWrite', extra: Record<string, unknown> = {}) => ({
  component: { name: component, ...extra },
  variable: { name },
  variableAttribute: [{ type: 'Actual', value, mutability }],
  variableCharacteristics: { dataType: 'string', supportsMonitoring: false },
});

describe('OCPP 2.0.1 device model and configuration (strict ocpp-rpc station)', () => {
  let server: TestServer;
  let cs: StrictClient;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (name: string, body: unknown = {}) => postJson(api(`/stations/DM-1/commands/${name}`), body);
  const seen: Array<{ action: string; params: any }> = [];

  before(async () => {
    server = await startTestServer({ bootRetrySeconds: 30 });
    cs = await strictStation(server, 'DM-1', '2.0.1', { register: false });
    const variables: Record<string, { value: string; mutability: string }> = {
      'OCPPCommCtrlr/HeartbeatInterval': { value: '300', mutability: 'ReadWrite' },
      'DeviceDataCtrlr/ItemsPerMessage': { value: '20', mutability: 'ReadOnly' },
    };
    cs.handle('GetBaseReport', async ({ params }: any) => {
      seen.push({ action: 'GetBaseReport', params });
      // Three parts, sent out of order, as stations on slow links do.
      const parts = [
        [variable('OCPPCommCtrlr', 'HeartbeatInterval', '300'), variable('DeviceDataCtrlr', 'ItemsPerMessage', '20', 'ReadOnly')],
        [variable('EVSE', 'Power', '22000', 'ReadOnly', { evse: { id: 1 } })],
        [variable('SecurityCtrlr', 'OrganizationName', 'Depot')],
      ];
      setTimeout(async () => {
        for (const seqNo of [1, 0, 2]) {
          await cs.call('NotifyReport', { requestId: params.requestId, generatedAt: new Date().toISOString(), seqNo, tbc: seqNo !== 2, reportData: parts[seqNo] });
        }
      }, 10);
      return { status: 'Accepted' };
    });
    cs.handle('GetVariables', async ({ params }: any) => {
      seen.push({ action: 'GetVariables', params });
      return {
        getVariableResult: params.getVariableData.map((d: any) => {
          const key = `${d.component.name}/${d.variable.name}`;
          const known = variables[key];
          return known
            ? { attributeStatus: 'Accepted', attributeValue: known.value, component: d.component, variable: d.variable }
            : { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable };
        }),
      };
    });
    cs.handle('SetVariables', async ({ params }: any) => {
      seen.push({ action: 'SetVariables', params });
      return {
        setVariableResult: params.setVariableData.map((d: any) => {
          const key = `${d.component.name}/${d.variable.name}`;
          const known = variables[key];
          if (!known) return { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable };
          if (known.mutability === 'ReadOnly') return { attributeStatus: 'Rejected', component: d.component, variable: d.variable };
          known.value = d.attributeValue;
          return { attributeStatus: 'Accepted', component: d.component, variable: d.variable };
        }),
      };
    });
    cs.handle('SetNetworkProfile', async ({ params }: any) => {
      seen.push({ action: 'SetNetworkProfile', params });
      return { status: 'Accepted' };
    });
    cs.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
  });
  after(async () => {
    await cs.close({ force: true });
    await server.stop();
  });

  it('reads the full device model of a Pending station, reassembling a multi-part report by requestId/seqNo', async () => {
    const asked = await command('getBaseReport', { reportBase: 'FullInventory' });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'accepted');
    const requestId = asked.body.result.requestId;
    assert.equal(seen.at(-1)!.params.requestId, requestId);
    let model: any;
    const deadline = Date.now() + 3000;
    do {
      await new Promise((r) => setTimeout(r, 30));
      model = (await getJson(api('/stations/DM-1/device-model'))).body;
    } while (!model.reports[0]?.completedAt && Date.now() < deadline);
    assert.deepEqual(
      model.items.map((v: any) => [v.component, v.evseId, v.variable, v.value, v.mutability]),
      [
        ['DeviceDataCtrlr', null, 'ItemsPerMessage', '20', 'ReadOnly'],
        ['EVSE', 1, 'Power', '22000', 'ReadOnly'],
        ['OCPPCommCtrlr', null, 'HeartbeatInterval', '300', 'ReadWrite'],
        ['SecurityCtrlr', null, 'OrganizationName', 'Depot', 'ReadWrite'],
      ],
    );
    assert.deepEqual([model.reports[0].requestId, model.reports[0].partsReceived, model.reports[0].lastSeqNo], [requestId, 3, 2]);
    // The station is still Pending: its other messages are refused.
    await assert.rejects(cs.call('Heartbeat', {}), (e: any) => e.rpcErrorCode === 'SecurityError');
  });

  it('serves the same configuration commands as for 1.6, as variables', async () => {
    await postJson(api('/stations/DM-1/approve'));
    const config = (await getJson(api('/stations/DM-1/configuration'))).body.items;
    assert.deepEqual(config.find((e: any) => e.key === 'EVSE@1/Power'), { key: 'EVSE@1/Power', value: '22000', readonly: true, fetchedAt: config.find((e: any) => e.key === 'EVSE@1/Power').fetchedAt });

    const read = await command('getConfiguration', { keys: ['OCPPCommCtrlr/HeartbeatInterval', 'Nope/Nothing'] });
    assert.deepEqual(seen.at(-1), { action: 'GetVariables', params: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'Nope' }, variable: { name: 'Nothing' } }] } });
    assert.deepEqual(read.body.result.configuration, [{ key: 'OCPPCommCtrlr/HeartbeatInterval', value: '300', readonly: false }]);
    assert.deepEqual(read.body.result.unknownKeys, ['Nope/Nothing']);

    const changed = await command('changeConfiguration', { key: 'OCPPCommCtrlr/HeartbeatInterval', value: '60' });
    assert.equal(changed.body.status, 'accepted');
    assert.deepEqual(seen.at(-1)!.params, { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }] });
    assert.equal((await command('changeConfiguration', { key: 'DeviceDataCtrlr/ItemsPerMessage', value: '5' })).body.status, 'rejected');
    const after = (await getJson(api('/stations/DM-1/configuration'))).body.items;
    assert.equal(after.find((e: any) => e.key === 'OCPPCommCtrlr/HeartbeatInterval').value, '60');
    assert.equal(after.find((e: any) => e.key === 'DeviceDataCtrlr/ItemsPerMessage').value, '20');

    const bad = await command('getConfiguration', { keys: ['not a key'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.fields[0].field, 'keys.0');
  });

  it('gets and sets several variables at once, and sets a network profile', async () => {
    const set = await command('setVariables', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '90' }, { component: 'Foo', variable: 'Bar', value: '1' }] });
    assert.equal(set.body.status, 'rejected', 'not every item was accepted');
    assert.deepEqual(set.body.result.map((r: any) => r.status), ['Accepted', 'UnknownVariable']);
    const got = await command('getVariables', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] });
    assert.equal(got.body.result[0].value, '90');
    const profile = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.local:8443/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' };
    const net = await command('setNetworkProfile', { configurationSlot: 1, connectionData: profile });
    assert.equal(net.body.status, 'accepted');
    assert.deepEqual(seen.at(-1)!.params, { configurationSlot: 1, connectionData: profile });
    const invalid = await command('setNetworkProfile', { configurationSlot: 1, connectionData: { ...profile, ocppTransport: 'Pigeon' } });
    assert.equal(invalid.status, 400, 'schema-checked before it is sent');
  });
});
