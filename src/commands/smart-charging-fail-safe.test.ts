import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, placeStation, scheduleOf, sendJson, type BalancerStation } from '../testing/balancer-station.ts';
import { eventually, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

const AC32 = { evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 };

describe('manual station-wide limits on a station under load management', () => {
  let server: TestServer;
  const stations: BalancerStation[] = [];

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 5 });
    const config = await sendJson(server, 'PATCH', '/site/config', { driver: { debounceMs: 50, cycleSeconds: 0.5, commandTimeoutSeconds: 1, leaseSeconds: 60 } });
    assert.equal(config.status, 200, JSON.stringify(config.body));
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid', limitA: 32 })).status, 201);
    // Two stations on 32 A: each one's fail-safe share is 16 A.
    for (const id of ['FS-A', 'FS-B']) {
      await placeStation(server, id, { circuitId: 'grid', evses: [AC32] });
      stations.push(await balancerStation(server, id, id === 'FS-A' ? '1.6' : '2.0.1'));
    }
    await eventually(() => stations.every((s) => s.failSafe()), 8000, 'fail-safe profiles');
  });
  after(async () => {
    for (const s of stations) await s.close();
    await server.stop();
  });

  const command = (stationId: string, name: string, body: unknown) => sendJson(server, 'POST', `/stations/${stationId}/commands/${name}`, body);

  it('refuses a station max limit above the fail-safe share with 409 and says why', async () => {
    for (const s of stations) {
      const res = await command(s.id, 'setLimit', { evseId: 0, limit: 25, unit: 'A' });
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body), /fail-safe share of 16 A/);
    }
    const profile = {
      stackLevel: 2, purpose: 'stationMax', kind: 'absolute',
      schedule: { unit: 'W', startSchedule: new Date().toISOString(), periods: [{ startSeconds: 0, limit: 22_000 }] },
    };
    const res = await command('FS-B', 'setChargingProfile', { evseId: 0, profile });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    // A station-wide default above the share would hold for new sessions without Ampyard: refused too.
    const txDefault = await command('FS-A', 'setChargingProfile', { evseId: 0, profile: { ...profile, purpose: 'txDefault', schedule: { ...profile.schedule, unit: 'A', periods: [{ startSeconds: 0, limit: 20 }] } } });
    assert.equal(txDefault.status, 409, JSON.stringify(txDefault.body));
    // Nothing reached the stations beyond their fail-safe profiles.
    for (const s of stations) assert.ok(s.fallbacks().every((c) => c.params.csChargingProfiles?.stackLevel === 0 || c.params.chargingProfile?.stackLevel === 0));
  });

  it('accepts a station max limit within the share, and a per-EVSE limit', async () => {
    const res = await command('FS-A', 'setLimit', { evseId: 0, limit: 10, unit: 'A' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'accepted');
    const sent = stations[0]!.fallbacks().at(-1)!;
    assert.deepEqual(scheduleOf(sent.params).chargingSchedulePeriod, [{ startPeriod: 0, limit: 10 }]);
    const evse = await command('FS-A', 'setLimit', { evseId: 1, limit: 12, unit: 'A' });
    assert.equal(evse.status, 200, JSON.stringify(evse.body));
  });

  it('leaves stations outside the site model alone', async () => {
    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'FS-FREE' });
    const free = await balancerStation(server, 'FS-FREE', '1.6');
    stations.push(free);
    const res = await command('FS-FREE', 'setLimit', { evseId: 0, limit: 32, unit: 'A' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});
