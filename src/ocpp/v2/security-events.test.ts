import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SecurityEvent } from '../../domain/security-event.ts';
import { RawClient, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

describe('OCPP 2.x SecurityEventNotification (A04) into the security event log (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const published: SecurityEvent[] = [];

  before(async () => {
    server = await startTestServer();
    server.appliance.services.events.subscribe((e) => {
      if (e.type === 'security.event') published.push(e.data);
    });
  });
  after(() => server.stop());

  for (const version of ['2.0.1', '2.1'] as const) {
    it(`${version}: stored with the station's time and techInfo, listed by the API, published live`, async () => {
      const id = `SEC2-${version.replaceAll('.', '')}`;
      const cs = await strictStation(server, id, version);
      const strict: unknown[] = [];
      cs.on('strictValidationFailure', (e: unknown) => strict.push(e));
      try {
        assert.deepEqual(await cs.call('SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: '2026-03-01T10:00:00.5+01:00', techInfo: 'from 1.0 to 1.1' }), {});
        assert.deepEqual(await cs.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: '2026-03-01T10:05:00Z' }), {});
        const { body } = await getJson(api(`/security-events?stationId=${id}`));
        assert.equal(body.total, 2);
        assert.deepEqual(
          body.items.map((e: SecurityEvent) => [e.type, e.source, e.timestamp, e.techInfo]),
          [
            ['TamperDetectionActivated', 'station', '2026-03-01T10:05:00.000Z', null],
            ['FirmwareUpdated', 'station', '2026-03-01T09:00:00.500Z', 'from 1.0 to 1.1'],
          ],
        );
        assert.deepEqual(published.filter((e) => e.stationId === id).map((e) => e.type), ['FirmwareUpdated', 'TamperDetectionActivated']);
        assert.equal((await getJson(api(`/security-events?stationId=${id}&type=FirmwareUpdated`))).body.total, 1);
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });
  }

  it('a malformed event gets a CALLERROR and is not stored; a station not accepted gets SecurityError', async () => {
    await postJson(api('/stations'), { id: 'SEC2-RAW' });
    const raw = await RawClient.connect(server.wsUrl('SEC2-RAW'), 'ocpp2.0.1');
    try {
      await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      const noTime = await raw.call('SecurityEventNotification', { type: 'X' });
      assert.equal(noTime[0], 4);
      const longInfo = await raw.call('SecurityEventNotification', { type: 'X', timestamp: new Date().toISOString(), techInfo: 'x'.repeat(256) });
      assert.equal(longInfo[0], 4);
      assert.equal((await getJson(api('/security-events?stationId=SEC2-RAW'))).body.total, 0);
    } finally {
      await raw.close();
    }
    const stranger = await RawClient.connect(server.wsUrl('SEC2-STRANGER'), 'ocpp2.1');
    try {
      await stranger.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      const refused = await stranger.call('SecurityEventNotification', { type: 'X', timestamp: new Date().toISOString() });
      assert.deepEqual([refused[0], refused[2]], [4, 'SecurityError']);
      assert.equal((await getJson(api('/security-events?stationId=SEC2-STRANGER&source=station'))).body.total, 0);
    } finally {
      await stranger.close();
    }
  });
});
