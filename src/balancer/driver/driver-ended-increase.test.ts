import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, placeStation, scheduleOf, sendJson, type BalancerStation } from '../../testing/balancer-station.ts';
import { eventually, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const AC32 = { evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 };

describe('load-management driver: a session that ends while its increase waits (strict 1.6 stations)', () => {
  let server: TestServer;
  const stations: BalancerStation[] = [];
  const failed: string[] = [];

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 5 });
    for (const card of ['CARD-A', 'CARD-B']) await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: card });
    // A long debounce: the increase (sent once the reduction is followed) falls due before the cycle that the
    // end of the session triggers.
    const config = await sendJson(server, 'PATCH', '/site/config', {
      driver: { debounceMs: 1000, cycleSeconds: 60, commandTimeoutSeconds: 5, followSeconds: 0.5, leaseSeconds: 60 },
    });
    assert.equal(config.status, 200, JSON.stringify(config.body));
    const commands = server.appliance.services.commands;
    const run = commands.run.bind(commands);
    commands.run = ((...args: Parameters<typeof run>) => run(...args).catch((error: Error) => {
      failed.push(`${args[0]} ${args[1]}: ${error.message}`);
      throw error;
    })) as typeof commands.run;
  });
  after(async () => {
    for (const s of stations) await s.close();
    await server.stop();
  });

  it('does not send the waiting increase to the ended transaction', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid', limitA: 32 })).status, 201);
    await placeStation(server, 'LE-A', { circuitId: 'grid', evses: [AC32] });
    await placeStation(server, 'LE-B', { circuitId: 'grid', evses: [AC32] });
    const a = await balancerStation(server, 'LE-A', '1.6');
    const b = await balancerStation(server, 'LE-B', '1.6');
    stations.push(a, b);
    await eventually(() => a.failSafe() && b.failSafe(), 8000, 'fail-safe profiles');

    await a.startSession(1, 'CARD-A');
    await eventually(() => a.allocations().length === 1, 4000, 'allocation of A');
    const { transactionId: txB } = await b.startSession(1, 'CARD-B');
    // A comes down to 16 A; B's 16 A waits until A has had `followSeconds` to follow. B leaves meanwhile.
    const reduction = (await eventually(() => (a.allocations()[1]?.answeredAt ? a.allocations()[1] : undefined), 4000, 'reduction of A'))!;
    assert.equal(scheduleOf(reduction.params).chargingSchedulePeriod[0].limit, 16);
    await b.cp.call('StopTransaction', { transactionId: txB, idTag: 'CARD-B', meterStop: 0, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });
    // Past the increase's time and the cycle after the session's end: A back up to 32 A.
    await eventually(() => a.lastLimit() === 32, 5000, 'A back to 32 A');
    assert.deepEqual(failed, []);
    assert.equal(b.allocations().length, 0);
  });
});
