import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`OCPP ${version} DataTransfer both ways (strict ocpp-rpc station)`, () => {
    let server: TestServer;
    const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
    const id = `DT-${version.replaceAll('.', '')}`;
    before(async () => {
      server = await startTestServer();
      // A vendor's handler, plugged in as a deployment would: any JSON in, any JSON out.
      server.appliance.services.dataTransfers.register('com.example.meter', (request) =>
        request.messageId === 'Echo' ? { status: 'Accepted', data: { echo: request.data, from: request.stationId } } : { status: 'UnknownMessageId' },
      );
    });
    after(() => server.stop());

    it('from the station: the vendor handler answers with JSON data; unknown vendors and messages are said so; all recorded', async () => {
      const cs = await strictStation(server, id, version);
      const strictFailures: unknown[] = [];
      cs.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
      try {
        const echo: any = await cs.call('DataTransfer', { vendorId: 'com.example.meter', messageId: 'Echo', data: { readings: [1, 2.5], ok: true } });
        assert.deepEqual(echo, { status: 'Accepted', data: { echo: { readings: [1, 2.5], ok: true }, from: id } });
        const number: any = await cs.call('DataTransfer', { vendorId: 'com.example.meter', messageId: 'Echo', data: 42 });
        assert.deepEqual(number.data.echo, 42, 'data may be any JSON type in 2.x');
        assert.deepEqual(await cs.call('DataTransfer', { vendorId: 'com.example.meter', messageId: 'Other' }), { status: 'UnknownMessageId' });
        assert.deepEqual(await cs.call('DataTransfer', { vendorId: 'com.nobody', data: 'x' }), { status: 'UnknownVendorId' });
        const log = (await getJson(api(`/stations/${id}/data-transfers`))).body.items;
        assert.deepEqual(log.map((d: any) => [d.direction, d.vendorId, d.messageId, d.status]).reverse(), [
          ['in', 'com.example.meter', 'Echo', 'Accepted'],
          ['in', 'com.example.meter', 'Echo', 'Accepted'],
          ['in', 'com.example.meter', 'Other', 'UnknownMessageId'],
          ['in', 'com.nobody', null, 'UnknownVendorId'],
        ]);
        assert.deepEqual(strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('to the station: JSON data is sent as JSON (not a string as in 1.6); a Rejected answer and errors are reported', async () => {
      const cs = await strictStation(server, `${id}-OUT`, version);
      const received: any[] = [];
      cs.handle('DataTransfer', async ({ params }: any) => {
        received.push(params);
        return params.vendorId === 'com.example.meter' ? { status: 'Accepted', data: { applied: true } } : { status: 'Rejected', statusInfo: { reasonCode: 'NoVendor' } };
      });
      try {
        const sent = await postJson(api(`/stations/${id}-OUT/commands/dataTransfer`), { vendorId: 'com.example.meter', messageId: 'SetTariff', data: { eurPerKwh: 0.3 } });
        assert.equal(sent.status, 200, JSON.stringify(sent.body));
        assert.deepEqual([sent.body.status, sent.body.response.data], ['accepted', { applied: true }]);
        assert.deepEqual(received[0], { vendorId: 'com.example.meter', messageId: 'SetTariff', data: { eurPerKwh: 0.3 } });
        const rejected = await postJson(api(`/stations/${id}-OUT/commands/dataTransfer`), { vendorId: 'com.other' });
        assert.equal(rejected.body.status, 'rejected');
        assert.equal((await postJson(api(`/stations/${id}-OUT/commands/dataTransfer`), { messageId: 'x' })).status, 400);
        const log = (await getJson(api(`/stations/${id}-OUT/data-transfers`))).body.items;
        assert.deepEqual(log.map((d: any) => [d.direction, d.vendorId, d.status]).reverse(), [['out', 'com.example.meter', 'Accepted'], ['out', 'com.other', 'Rejected']]);
      } finally {
        await cs.close({ force: true });
      }
      await eventually(async () => (await getJson(api(`/stations/${id}-OUT`))).body.connected === false, 3000, 'disconnect');
      assert.equal((await postJson(api(`/stations/${id}-OUT/commands/dataTransfer`), { vendorId: 'com.other' })).status, 409);
    });
  });
}
