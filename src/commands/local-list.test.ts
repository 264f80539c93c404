import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson, withDefaultHeaders } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation, type StrictClient } from '../testing/strict-station.ts';

const send = (url: string, method: string, body?: unknown) =>
  fetch(url, withDefaultHeaders(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).then(async (r) => ({
    status: r.status,
    body: r.status === 204 ? null : await r.json(),
  }));

/** Records each SendLocalList the station gets and answers with the next queued status (Accepted by default). */
function listStation(cp: StrictClient) {
  const received: any[] = [];
  const answers: string[] = [];
  const strictFailures: unknown[] = [];
  cp.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  cp.handle('SendLocalList', async ({ params }) => {
    received.push(params);
    return { status: answers.shift() ?? 'Accepted' };
  });
  return { received, answers, strictFailures };
}

describe('local authorization list (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params?: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params ?? {});

  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-token-groups'), { id: 'FLEET-1' });
    await postJson(api('/id-token-groups'), { id: 'FLEET-2' });
    await postJson(api('/id-tokens'), { token: 'CARD-A', groupId: 'FLEET-1' });
    await postJson(api('/id-tokens'), { token: 'CARD-B', status: 'blocked' });
    await postJson(api('/id-tokens'), { token: 'CARD-C', expiresAt: '2030-01-01T00:00:00Z' });
    await postJson(api('/id-tokens'), { token: 'CARD-L', label: 'Driver L' });
    await postJson(api('/id-tokens'), { token: 'A-VERY-LONG-CARD-NUMBER-26', type: 'ISO15693' });
  });
  after(() => server.stop());

  it('1.6: full list first, then a differential with exactly the added, changed, excluded and deleted tokens', async () => {
    assert.equal((await getJson(api('/stations/LL-16/local-list'))).status, 404);
    const cp = await strictStation(server, 'LL-16', '1.6');
    const station = listStation(cp);
    try {
      let sync = (await getJson(api('/stations/LL-16/local-list'))).body;
      assert.equal(sync.syncStatus, 'unknown');
      assert.equal(sync.entries, 5);

      // Never synced: a differential request becomes a full list. 1.6 id tags hold at most 20 characters.
      const first = await command('LL-16', 'sendLocalList', { mode: 'differential' });
      assert.equal(first.status, 200);
      assert.equal(first.body.status, 'accepted');
      assert.deepEqual(first.body.result.skipped, ['A-VERY-LONG-CARD-NUMBER-26']);
      assert.deepEqual(station.received[0], {
        listVersion: 1,
        updateType: 'Full',
        localAuthorizationList: [
          { idTag: 'CARD-A', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET-1' } },
          { idTag: 'CARD-B', idTagInfo: { status: 'Blocked' } },
          { idTag: 'CARD-C', idTagInfo: { status: 'Accepted', expiryDate: '2030-01-01T00:00:00Z' } },
          { idTag: 'CARD-L', idTagInfo: { status: 'Accepted' } },
        ],
      });
      sync = (await getJson(api('/stations/LL-16/local-list'))).body;
      assert.equal(sync.syncStatus, 'in_sync');
      assert.deepEqual(sync.accepted.version, 1);
      assert.deepEqual([sync.lastSent.version, sync.lastSent.updateType, sync.lastSent.answer, sync.lastSent.entries], [1, 'full', 'accepted', 4]);
      assert.equal(sync.pendingChanges, 0);

      await postJson(api('/id-tokens'), { token: 'CARD-E', groupId: 'FLEET-2' });
      assert.equal((await send(api('/id-tokens/CARD-B'), 'PATCH', { status: 'accepted' })).status, 200);
      assert.equal((await send(api('/id-tokens/CARD-C'), 'DELETE')).status, 204);
      assert.equal((await send(api('/local-list/tokens/card-a'), 'PUT', { included: false })).status, 200);
      assert.equal((await send(api('/id-tokens/CARD-L'), 'PATCH', { label: 'Driver L (new van)' })).status, 200); // not on the list's terms
      sync = (await getJson(api('/stations/LL-16/local-list'))).body;
      assert.equal(sync.syncStatus, 'out_of_date');
      assert.equal(sync.pendingChanges, 4);

      const second = await command('LL-16', 'sendLocalList', { mode: 'differential' });
      assert.equal(second.body.status, 'accepted');
      assert.deepEqual(station.received[1], {
        listVersion: 2,
        updateType: 'Differential',
        localAuthorizationList: [
          { idTag: 'CARD-A' },
          { idTag: 'CARD-B', idTagInfo: { status: 'Accepted' } },
          { idTag: 'CARD-C' },
          { idTag: 'CARD-E', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET-2' } },
        ],
      });
      sync = (await getJson(api('/stations/LL-16/local-list'))).body;
      assert.deepEqual([sync.syncStatus, sync.accepted.version, sync.pendingChanges, sync.entries], ['in_sync', 2, 0, 4]);

      // Nothing changed: a differential still moves to a new version, with no entries.
      await command('LL-16', 'sendLocalList', {});
      assert.deepEqual(station.received[2], { listVersion: 3, updateType: 'Differential', localAuthorizationList: [] });
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('1.6: after VersionMismatch (or Failed) the next update is full; GetLocalListVersion is stored and compared', async () => {
    const cp = await strictStation(server, 'LL-MISMATCH', '1.6');
    const station = listStation(cp);
    let reported = 0;
    cp.handle('GetLocalListVersion', async () => ({ listVersion: reported }));
    try {
      await command('LL-MISMATCH', 'sendLocalList', { mode: 'full' });
      await postJson(api('/id-tokens'), { token: 'CARD-M' });
      station.answers.push('VersionMismatch');
      const refused = await command('LL-MISMATCH', 'sendLocalList', { mode: 'differential' });
      assert.equal(refused.body.status, 'versionmismatch');
      assert.deepEqual(station.received[1], { listVersion: 2, updateType: 'Differential', localAuthorizationList: [{ idTag: 'CARD-M', idTagInfo: { status: 'Accepted' } }] });
      let sync = (await getJson(api('/stations/LL-MISMATCH/local-list'))).body;
      assert.deepEqual([sync.syncStatus, sync.needsFull, sync.lastSent.answer, sync.accepted.version], ['failed', true, 'versionmismatch', 1]);

      const retried = await command('LL-MISMATCH', 'sendLocalList', { mode: 'differential' });
      assert.equal(retried.body.result.updateType, 'full');
      assert.equal(station.received[2].updateType, 'Full');
      assert.equal(station.received[2].listVersion, 3);
      assert.ok(station.received[2].localAuthorizationList.some((e: any) => e.idTag === 'CARD-M'));
      sync = (await getJson(api('/stations/LL-MISMATCH/local-list'))).body;
      assert.deepEqual([sync.syncStatus, sync.needsFull, sync.accepted.version], ['in_sync', false, 3]);

      reported = 3;
      const version = await command('LL-MISMATCH', 'getLocalListVersion');
      assert.equal(version.status, 200);
      assert.equal(version.body.result.version, 3);
      sync = (await getJson(api('/stations/LL-MISMATCH/local-list'))).body;
      assert.deepEqual([sync.syncStatus, sync.reported.version], ['in_sync', 3]);

      // The station lost its list (e.g. a factory reset): out of date, and the next update is full.
      reported = 0;
      await command('LL-MISMATCH', 'getLocalListVersion');
      sync = (await getJson(api('/stations/LL-MISMATCH/local-list'))).body;
      assert.deepEqual([sync.syncStatus, sync.needsFull, sync.reported.version], ['out_of_date', true, 0]);
      station.answers.push('Failed');
      await command('LL-MISMATCH', 'sendLocalList', {});
      assert.equal(station.received[3].updateType, 'Full');
      assert.equal((await getJson(api('/stations/LL-MISMATCH/local-list'))).body.syncStatus, 'failed');

      const all = (await getJson(api('/local-list'))).body;
      assert.ok(all.revision > 0);
      const row = all.items.find((s: any) => s.stationId === 'LL-MISMATCH');
      assert.equal(row.syncStatus, 'failed');
      assert.equal(all.items.find((s: any) => s.stationId === 'LL-16').syncStatus, 'out_of_date');
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('2.0.1: SendLocalList with idToken objects and idTokenInfo, and GetLocalListVersion’s versionNumber', async () => {
    const cs = await strictStation(server, 'LL-201', '2.0.1');
    const station = listStation(cs);
    cs.handle('GetLocalListVersion', async () => ({ versionNumber: 1 }));
    try {
      const sent = await command('LL-201', 'sendLocalList', { mode: 'full' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const list = station.received[0].localAuthorizationList;
      assert.deepEqual(station.received[0].versionNumber, 1);
      assert.deepEqual(list.find((e: any) => e.idToken.idToken === 'CARD-E'), {
        idToken: { idToken: 'CARD-E', type: 'ISO14443' },
        idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET-2', type: 'Central' } },
      });
      // 2.x carries up to 36 characters: nothing is skipped.
      assert.deepEqual(list.find((e: any) => e.idToken.idToken === 'A-VERY-LONG-CARD-NUMBER-26'), {
        idToken: { idToken: 'A-VERY-LONG-CARD-NUMBER-26', type: 'ISO15693' },
        idTokenInfo: { status: 'Accepted' },
      });
      // A removal names the token with the type it had.
      await send(api('/id-tokens/CARD-E'), 'DELETE');
      await send(api('/id-tokens/A-VERY-LONG-CARD-NUMBER-26'), 'DELETE');
      await command('LL-201', 'sendLocalList', {});
      assert.deepEqual(station.received[1], {
        versionNumber: 2,
        updateType: 'Differential',
        localAuthorizationList: [{ idToken: { idToken: 'A-VERY-LONG-CARD-NUMBER-26', type: 'ISO15693' } }, { idToken: { idToken: 'CARD-E', type: 'ISO14443' } }],
      });
      const version = await command('LL-201', 'getLocalListVersion');
      assert.equal(version.body.result.version, 1);
      assert.equal(version.body.result.sync.needsFull, true);
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cs.close({ code: 1000 });
    }
  });

  it('error paths: offline station 409, bad mode 400 with the field, unknown token 404', async () => {
    const offline = await command('LL-16', 'sendLocalList', { mode: 'full' });
    assert.equal(offline.status, 409);
    assert.equal(offline.body.error.code, 'station_offline');
    const cp = await strictStation(server, 'LL-ERR', '1.6');
    try {
      const bad = await command('LL-ERR', 'sendLocalList', { mode: 'partial', extra: 1 });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), ['extra', 'mode']);
    } finally {
      await cp.close({ code: 1000 });
    }
    assert.equal((await send(api('/local-list/tokens/NOPE'), 'PUT', { included: false })).status, 404);
    assert.equal((await send(api('/local-list/tokens/CARD-B'), 'PUT', { included: 'no' })).status, 400);
    const tokens = (await getJson(api('/local-list/tokens'))).body.items;
    assert.equal(tokens.find((t: any) => t.token === 'CARD-A').included, false);
  });
});
