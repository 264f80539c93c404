import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation } from '../testing/strict-station.ts';

describe('remote start on plug-in for chargers that need one (station quirk autoStartIdTag)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const setQuirks = (id: string, quirks: unknown) => server.api(`/stations/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks }) });
  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-tokens'), { token: 'FREEVEND' });
  });
  after(() => server.stop());

  it('1.6: a cable plugged in gets one RemoteStartTransaction; a station without the quirk gets none', async () => {
    const cp = await strictStation(server, 'AUTO-16', '1.6');
    assert.equal((await setQuirks('AUTO-16', { autoStartIdTag: 'FREEVEND' })).status, 200);
    const starts: any[] = [];
    cp.handle('RemoteStartTransaction', async ({ params }) => {
      starts.push(params);
      return { status: 'Accepted' };
    });
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
    await eventually(() => starts.length === 1, 3000, 'remote start');
    assert.deepEqual(starts[0], { idTag: 'FREEVEND', connectorId: 2 });
    // Reported again while the start is pending, and once the session runs: nothing more is sent.
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 2, idTag: 'FREEVEND', meterStart: 0, timestamp: new Date().toISOString() });
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(starts.length, 1);
    await cp.call('StopTransaction', { transactionId, meterStop: 100, timestamp: new Date().toISOString() });

    const plain = await strictStation(server, 'PLAIN-16', '1.6');
    let asked = 0;
    plain.handle('RemoteStartTransaction', async () => {
      asked++;
      return { status: 'Accepted' };
    });
    await plain.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(asked, 0);
    await cp.close();
    await plain.close();
  });

  it('2.0.1: a session begun by the cable is authorised by RequestStartTransaction; a refusal is a warning', async () => {
    const cs = await strictStation(server, 'AUTO-201', '2.0.1');
    assert.equal((await setQuirks('AUTO-201', { autoStartIdTag: 'FREEVEND' })).status, 200);
    const starts: any[] = [];
    let answer = 'Accepted';
    cs.handle('RequestStartTransaction', async ({ params }) => {
      starts.push(params);
      return { status: answer };
    });
    const at = new Date().toISOString();
    await cs.call('TransactionEvent', { eventType: 'Started', timestamp: at, triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'CABLE-1' }, evse: { id: 1, connectorId: 1 } });
    await cs.call('StatusNotification', { timestamp: at, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    await eventually(() => starts.length === 1, 3000, 'request start');
    assert.deepEqual([starts[0].evseId, starts[0].idToken], [1, { idToken: 'FREEVEND', type: 'Central' }]);

    answer = 'Rejected';
    await cs.call('StatusNotification', { timestamp: at, connectorStatus: 'Occupied', evseId: 2, connectorId: 1 });
    await eventually(() => starts.length === 2, 3000, 'second request start');
    const warnings = await eventually(async () => {
      const items = (await getJson(api('/stations/AUTO-201/warnings'))).body.items;
      return items.some((w: any) => w.kind === 'auto-start') ? items : undefined;
    }, 3000, 'auto-start warning');
    assert.match(warnings.find((w: any) => w.kind === 'auto-start').message, /FREEVEND on EVSE 2 .*rejected/);
    await cs.close();
  });
});
