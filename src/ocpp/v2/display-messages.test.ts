import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

function displayStation(cs: StrictClient) {
  const received: Array<{ action: string; params: any }> = [];
  const answers: Record<string, unknown[]> = {};
  const strictFailures: unknown[] = [];
  cs.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  for (const action of ['SetDisplayMessage', 'GetDisplayMessages', 'ClearDisplayMessage']) {
    cs.handle(action, async ({ params }: any) => {
      received.push({ action, params });
      const answer = answers[action]?.shift() ?? { status: 'Accepted' };
      if (answer === 'never') return new Promise(() => undefined);
      return answer;
    });
  }
  return { received, answers, strictFailures };
}

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`OCPP ${version} display messages (strict ocpp-rpc station)`, () => {
    let server: TestServer;
    const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
    const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
    const tag = version.replaceAll('.', '');

    before(async () => {
      server = await startTestServer({ callTimeoutSeconds: 1 });
    });
    after(() => server.stop());

    it('set (kept when accepted), listed by the station in parts (replacing what Ampyard knew), cleared', async () => {
      const id = `DISP-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = displayStation(cs);
      try {
        await cs.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'TX-DISP' }, evse: { id: 1, connectorId: 1 } });
        const tx = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];

        const welcome = await command(id, 'setDisplayMessage', {
          id: 1,
          priority: 'InFront',
          state: 'Charging',
          startDateTime: '2026-10-01T06:00:00Z',
          endDateTime: '2026-10-01T18:00:00.000Z',
          transactionId: tx.id,
          message: { language: 'en', content: 'Depot closes at 18:00' },
          display: { component: 'Display', evseId: 1 },
        });
        assert.equal(welcome.status, 200, JSON.stringify(welcome.body));
        assert.equal(welcome.body.status, 'accepted');
        assert.deepEqual(station.received[0], {
          action: 'SetDisplayMessage',
          params: {
            message: {
              id: 1,
              priority: 'InFront',
              state: 'Charging',
              startDateTime: '2026-10-01T06:00:00.000Z',
              endDateTime: '2026-10-01T18:00:00.000Z',
              transactionId: 'TX-DISP',
              message: { format: 'UTF8', language: 'en', content: 'Depot closes at 18:00' },
              display: { name: 'Display', evse: { id: 1 } },
            },
          },
        });
        station.answers['SetDisplayMessage'] = [{ status: 'NotSupportedPriority' }];
        const refused = await command(id, 'setDisplayMessage', { id: 2, priority: 'AlwaysFront', message: { content: 'Urgent' } });
        assert.equal(refused.body.status, 'notsupportedpriority');
        await command(id, 'setDisplayMessage', { id: 3, message: { format: 'ASCII', content: 'Welcome' } });

        let shown = (await getJson(api(`/stations/${id}/display-messages`))).body;
        assert.deepEqual(shown.items.map((m: any) => [m.id, m.priority, m.transactionId, m.stationTxId, m.message.content, !!m.setAt, m.reportedAt]), [
          [1, 'InFront', tx.id, 'TX-DISP', 'Depot closes at 18:00', true, null],
          [3, 'NormalCycle', null, null, 'Welcome', true, null],
        ]);

        // The station lists what it has: message 3 is gone from it, 4 was set by someone else.
        const asked = await command(id, 'getDisplayMessages', {});
        assert.equal(asked.body.status, 'accepted');
        const requestId = asked.body.result.requestId;
        assert.deepEqual(station.received.at(-1), { action: 'GetDisplayMessages', params: { requestId } });
        await cs.call('NotifyDisplayMessages', { requestId, tbc: true, messageInfo: [{ id: 1, priority: 'InFront', state: 'Charging', transactionId: 'TX-DISP', message: { format: 'UTF8', language: 'en', content: 'Depot closes at 18:00' } }] });
        assert.equal((await getJson(api(`/stations/${id}/display-messages`))).body.items.length, 2, 'nothing removed before the last part');
        await cs.call('NotifyDisplayMessages', { requestId, messageInfo: [{ id: 4, priority: 'NormalCycle', message: { format: 'HTML', content: '<b>Hi</b>' } }] });
        shown = (await getJson(api(`/stations/${id}/display-messages`))).body;
        assert.deepEqual(shown.items.map((m: any) => [m.id, m.message.format, m.transactionId, !!m.reportedAt]), [
          [1, 'UTF8', tx.id, true],
          [4, 'HTML', null, true],
        ]);
        assert.deepEqual([shown.reports[0].requestId, shown.reports[0].partsReceived, !!shown.reports[0].completedAt], [requestId, 2, true]);

        // A filtered listing is passed on as such and removes nothing.
        station.answers['GetDisplayMessages'] = [{ status: 'Unknown' }];
        const filtered = await command(id, 'getDisplayMessages', { ids: [9], priority: 'AlwaysFront', state: 'Idle' });
        assert.equal(filtered.body.status, 'unknown');
        assert.deepEqual(station.received.at(-1)!.params, { requestId: filtered.body.result.requestId, id: [9], priority: 'AlwaysFront', state: 'Idle' });
        assert.equal((await getJson(api(`/stations/${id}/display-messages`))).body.items.length, 2);

        assert.equal((await command(id, 'clearDisplayMessage', { id: 4 })).body.status, 'accepted');
        station.answers['ClearDisplayMessage'] = [{ status: 'Unknown' }];
        assert.equal((await command(id, 'clearDisplayMessage', { id: 1 })).body.status, 'unknown');
        assert.deepEqual((await getJson(api(`/stations/${id}/display-messages`))).body.items, [], 'Unknown: the station has no such message, so neither does Ampyard');
        assert.deepEqual(station.received.at(-1), { action: 'ClearDisplayMessage', params: { id: 1 } });

        // An unfiltered listing answered Unknown: the station shows no messages at all.
        await command(id, 'setDisplayMessage', { id: 5, message: { content: 'x' } });
        station.answers['GetDisplayMessages'] = [{ status: 'Unknown' }];
        await command(id, 'getDisplayMessages', {});
        assert.deepEqual((await getJson(api(`/stations/${id}/display-messages`))).body.items, []);
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('version differences: QR codes, extra languages and 2.1 states only for 2.1 stations', async () => {
      const id = `DISP21-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = displayStation(cs);
      try {
        const qr = await command(id, 'setDisplayMessage', {
          id: 10,
          state: 'Suspended',
          message: { format: 'QRCODE', content: 'https://pay.example/evse/1' },
          messageExtra: [{ format: 'UTF8', language: 'de', content: 'Hier bezahlen' }],
        });
        if (version === '2.0.1') {
          assert.equal(qr.status, 400);
          assert.equal(qr.body.error.code, 'invalid_ocpp_payload');
          assert.equal(station.received.length, 0, 'nothing invalid reached the station');
        } else {
          assert.equal(qr.body.status, 'accepted');
          const stored = (await getJson(api(`/stations/${id}/display-messages`))).body.items[0];
          assert.deepEqual([stored.state, stored.message.format, stored.messageExtra[0].language], ['Suspended', 'QRCODE', 'de']);
        }
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('error paths: bad parameters 400, unknown or ended transaction, timeout 504, offline 409, 1.6 unsupported', async () => {
      const id = `DISPERR-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = displayStation(cs);
      try {
        const missing = await command(id, 'setDisplayMessage', { id: 1 });
        assert.equal(missing.status, 400);
        assert.equal(missing.body.error.details.fields[0].field, 'message');
        const badTime = await command(id, 'setDisplayMessage', { id: 1, startDateTime: 'tomorrow', message: { content: 'x' } });
        assert.equal(badTime.status, 400);
        assert.equal(badTime.body.error.details.fields[0].field, 'startDateTime');
        assert.equal((await command(id, 'setDisplayMessage', { id: 1, priority: 'Loud', message: { content: 'x' } })).status, 400);
        assert.equal((await command(id, 'clearDisplayMessage', {})).status, 400);
        assert.equal((await command(id, 'setDisplayMessage', { id: 1, transactionId: 999999, message: { content: 'x' } })).status, 404);
        await cs.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'TX-OVER' }, evse: { id: 1 } });
        await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'EVDeparted', seqNo: 1, transactionInfo: { transactionId: 'TX-OVER', stoppedReason: 'EVDisconnected' } });
        const ended = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];
        assert.equal((await command(id, 'setDisplayMessage', { id: 1, transactionId: ended.id, message: { content: 'x' } })).status, 409);
        assert.equal(station.received.length, 0);

        station.answers['ClearDisplayMessage'] = ['never'];
        const slow = await command(id, 'clearDisplayMessage', { id: 1 });
        assert.equal(slow.status, 504);
        assert.equal(slow.body.error.code, 'station_timeout');
        assert.equal((await getJson(api('/stations/NOPE/display-messages'))).status, 404);
      } finally {
        await cs.close({ force: true });
      }
      await eventually(async () => (await getJson(api(`/stations/${id}`))).body.connected === false, 3000, 'disconnect');
      assert.equal((await command(id, 'getDisplayMessages', {})).status, 409);

      const old = await strictStation(server, `DISP16-${tag}`, '1.6');
      try {
        assert.equal((await command(`DISP16-${tag}`, 'setDisplayMessage', { id: 1, message: { content: 'x' } })).status, 422);
      } finally {
        await old.close({ force: true });
      }
    });
  });
}
