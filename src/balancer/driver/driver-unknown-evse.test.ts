import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, placeStation, sendJson, type BalancerStation } from '../../testing/balancer-station.ts';
import { eventually, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('load-management driver: sessions on EVSEs the site model does not describe', () => {
  let server: TestServer;
  const stations: BalancerStation[] = [];

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 5 });
    await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: 'CARD-U' });
    await sendJson(server, 'PATCH', '/site/config', { driver: { debounceMs: 50, cycleSeconds: 0.5, commandTimeoutSeconds: 1, leaseSeconds: 60 } });
  });
  after(async () => {
    for (const s of stations) await s.close();
    await server.stop();
  });

  it('keeps a session on an unlisted EVSE in every cycle (assumed 32 A three-phase), not every other one', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid-u', limitA: 40 })).status, 201);
    await placeStation(server, 'UE-A', { circuitId: 'grid-u', evses: [{ evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 }] });
    const station = await balancerStation(server, 'UE-A', '1.6');
    stations.push(station);
    await eventually(() => station.failSafe(), 8000, 'fail-safe profiles');
    const { transactionId } = await station.startSession(2, 'CARD-U');
    const driver = server.appliance.services.balancer.driver;
    // The first cycle adds EVSE 2 to the model as assumed; the next ones must keep it there (they used to rebuild
    // the model without it and fail reading `evse.key` of an undefined EVSE in liveState).
    for (let i = 0; i < 4; i++) {
      driver.cycle();
      const allocation = driver.lastCycle()?.result.evses.find((e) => e.sessionId === String(transactionId));
      assert.ok(allocation, `cycle ${i}: the session is allocated`);
      assert.equal(allocation.evseId, 'UE-A/2');
    }
  });
});
