import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimStation } from '../../scripts/sim/station.ts';
import { eventually, getJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

const STATIONS = 1000;
const KEEPALIVE_SECONDS = 3;

async function inChunks<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function bootOnce(s: SimStation): Promise<void> {
  await s.connect();
  const answer = await s.boot();
  if (answer.status !== 'Accepted') throw new Error(`${s.id}: ${answer.status}`);
  await s.statusNotification(1, 'Available');
}

const connectedCount = async (server: TestServer) => (await getJson(`${server.baseUrl}/api/v1/health`)).body.stationsConnected as number;

async function listedConnected(server: TestServer): Promise<Set<string>> {
  const { body } = await getJson(`${server.baseUrl}/api/v1/stations`);
  return new Set((body.items as Array<{ id: string; connected: boolean }>).filter((s) => s.connected).map((s) => s.id));
}

describe(`reconnect storm: ${STATIONS} stations`, () => {
  let server: TestServer;
  const ids = Array.from({ length: STATIONS }, (_, i) => `STORM-${String(i + 1).padStart(4, '0')}`);
  let first: SimStation[] = [];
  let second: SimStation[] = [];
  let setupMs = 0;
  const make = (id: string) => new SimStation({ url: `ws://127.0.0.1:${server.port}/ocpp`, id, version: '1.6', connectors: 1, callTimeoutMs: 30_000, connectTimeoutMs: 30_000 });

  before(async () => {
    server = await startTestServer({ acceptUnknownStations: true, keepaliveSeconds: KEEPALIVE_SECONDS });
    first = ids.map(make);
    const started = Date.now();
    await inChunks(first, 100, bootOnce);
    setupMs = Date.now() - started;
    assert.equal(await connectedCount(server), STATIONS);
  });

  after(async () => {
    await Promise.all([...first, ...second].map((s) => s.destroy()));
    await server?.stop();
  });

  it(`after a network blip every station reconnects at once while its old socket lingers; all ${STATIONS} end up connected, each exactly once`, async (t) => {
    // The blip: no close frames, no FIN; the server still holds every old socket.
    for (const s of first) s.goSilent();
    second = ids.map(make);
    const started = Date.now();
    const results = await Promise.allSettled(second.map(bootOnce));
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.deepEqual(failed.slice(0, 5).map((r) => String(r.reason)), [], `${failed.length} station(s) could not reconnect and boot`);
    const burstMs = Date.now() - started;
    assert.equal(await connectedCount(server), STATIONS, 'connected right after the burst');

    // The old sockets are closed by the server (replaced, then terminated) without marking any station offline.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await connectedCount(server), STATIONS, 'still connected after the old sockets were dropped');
    assert.equal((await listedConnected(server)).size, STATIONS, 'every station listed as connected');
    assert.equal([...server.appliance.services.sessions.all()].length, STATIONS, 'one session per station');
    const sample = [second[0]!, second[STATIONS / 2]!, second[STATIONS - 1]!];
    for (const s of sample) await s.heartbeat();
    t.diagnostic(JSON.stringify({ stations: STATIONS, firstConnectMs: setupMs, burstMs }));
  });

  it('stations that vanish without a close frame are found by keepalive within two periods; the rest stay connected', async (t) => {
    const vanished = second.slice(0, 100);
    const started = Date.now();
    for (const s of vanished) s.goSilent();
    const gone = new Set(vanished.map((s) => s.id));
    await eventually(async () => {
      const connected = await listedConnected(server);
      return [...gone].every((id) => !connected.has(id));
    }, 4 * KEEPALIVE_SECONDS * 1000, 'the silent stations shown disconnected');
    const detectedMs = Date.now() - started;
    assert.ok(detectedMs <= 2 * KEEPALIVE_SECONDS * 1000 + 1500, `found after ${detectedMs} ms with keepalive ${KEEPALIVE_SECONDS} s`);
    const connected = await listedConnected(server);
    assert.equal(connected.size, STATIONS - vanished.length);
    assert.equal(await connectedCount(server), STATIONS - vanished.length);
    t.diagnostic(JSON.stringify({ vanished: vanished.length, detectedMs }));
  });
});
