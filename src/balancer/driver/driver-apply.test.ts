import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, placeStation, scheduleOf, sendJson, type BalancerStation } from '../../testing/balancer-station.ts';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const AC32 = { evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 };

describe('load-management driver: fail-safe profiles, allocations, order of changes (strict 1.6 and 2.0.1 stations)', () => {
  let server: TestServer;
  const stations: BalancerStation[] = [];
  const connect = async (id: string, version: '1.6' | '2.0.1') => {
    const s = await balancerStation(server, id, version);
    stations.push(s);
    return s;
  };

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 5 });
    for (const card of ['CARD-A', 'CARD-B', 'CARD-C', 'CARD-D', 'CARD-E', 'CARD-F']) await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: card });
    const config = await sendJson(server, 'PATCH', '/site/config', {
      driver: { debounceMs: 50, cycleSeconds: 0.5, commandTimeoutSeconds: 1, followSeconds: 0.3, leaseSeconds: 60, overdrawToleranceSeconds: 0.5 },
    });
    assert.equal(config.status, 200, JSON.stringify(config.body));
  });
  after(async () => {
    for (const s of stations) await s.close();
    await server.stop();
  });

  it('sends the fail-safe profiles at boot, then each session its allocation; reductions are answered before increases go out', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid-1', limitA: 32 })).status, 201);
    await placeStation(server, 'LB-A', { circuitId: 'grid-1', evses: [AC32] });
    await placeStation(server, 'LB-B', { circuitId: 'grid-1', evses: [AC32] });
    const a = await connect('LB-A', '1.6');
    const b = await connect('LB-B', '2.0.1');

    // Two stations on 32 A: each may draw 16 A without Ampyard. Full capacity for the 60 s lease, then the share.
    await eventually(() => a.failSafe() && b.failSafe(), 8000, 'fail-safe profiles');
    const [maxA, defaultA] = a.failSafe()!.map((c) => c.params);
    const start = maxA.csChargingProfiles.chargingSchedule.startSchedule;
    assert.ok(Math.abs(Date.parse(start) - Date.now()) < 5000);
    assert.deepEqual(maxA, {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: maxA.csChargingProfiles.chargingProfileId, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute',
        chargingSchedule: { startSchedule: start, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }, { startPeriod: 60, limit: 16 }] },
      },
    });
    assert.deepEqual(defaultA.csChargingProfiles.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 0 }, { startPeriod: 60, limit: 16 }]);
    assert.equal(defaultA.csChargingProfiles.chargingProfilePurpose, 'TxDefaultProfile');
    const [maxB] = b.failSafe()!.map((c) => c.params);
    assert.deepEqual([maxB.evseId, maxB.chargingProfile.chargingProfilePurpose, maxB.chargingProfile.stackLevel, maxB.chargingProfile.chargingSchedule[0].chargingSchedulePeriod],
      [0, 'ChargingStationMaxProfile', 0, [{ startPeriod: 0, limit: 32 }, { startPeriod: 60, limit: 16 }]]);

    const { transactionId: txA } = await a.startSession(1, 'CARD-A');
    await eventually(() => a.allocations().length === 1, 3000, 'allocation of A');
    assert.deepEqual(a.allocations()[0]!.params, {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: a.allocations()[0]!.params.csChargingProfiles.chargingProfileId, transactionId: txA, stackLevel: 1,
        chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32, numberPhases: 3 }] },
      },
    });

    // B starts: A must come down to 16 A (answered slowly) before B may go up to 16 A.
    a.answer = () => ({ status: 'Accepted', delayMs: 400 });
    const { transactionId: txB } = await b.startSession(1, 'CARD-B');
    await eventually(() => b.allocations().length === 1, 4000, 'allocation of B');
    const reduction = a.allocations()[1]!;
    const increase = b.allocations()[0]!;
    assert.equal(scheduleOf(reduction.params).chargingSchedulePeriod[0].limit, 16);
    assert.ok(reduction.answeredAt !== null && increase.at >= reduction.answeredAt, `B's increase (${increase.at}) went out before A answered its reduction (${reduction.answeredAt})`);
    assert.deepEqual(increase.params, {
      evseId: 1,
      chargingProfile: {
        id: increase.params.chargingProfile.id, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
        chargingSchedule: [{ id: increase.params.chargingProfile.id, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 3 }] }],
        transactionId: txB,
      },
    });

    const explained = await eventually(async () => {
      const body = (await getJson(`${server.baseUrl}/api/v1/site/allocations`)).body;
      return body.evses.length === 2 && body.evses.every((e: any) => e.applied.status === 'applied') ? body : undefined;
    }, 3000, 'both applied');
    for (const e of explained.evses) {
      assert.equal(e.allocation.currentA, 16);
      assert.match(e.reason, /^grid-1 L[123] at 100 %$/);
    }
    const grid = explained.circuits.find((c: any) => c.id === 'grid-1');
    assert.deepEqual([grid.limitA, grid.allocatedA], [[32, 32, 32], [32, 32, 32]]);
    assert.deepEqual(explained.stations.filter((s: any) => s.stationId.startsWith('LB-')).map((s: any) => s.fallback), [
      { shareA: 16, physicalA: 32, status: 'accepted' },
      { shareA: 16, physicalA: 32, status: 'accepted' },
    ]);
    assert.deepEqual([...a.strictFailures, ...b.strictFailures], []);

    // The profiles Ampyard keeps (re-applied after a reboot) are those the stations accepted.
    const kept = (await getJson(`${server.baseUrl}/api/v1/stations/LB-A/charging-profiles`)).body.items;
    assert.deepEqual(kept.map((k: any) => [k.evseId, k.profile.purpose, k.profile.stackLevel]).sort(), [[0, 'stationMax', 0], [0, 'txDefault', 0], [1, 'tx', 1]]);

    // A reboot: the stored fail-safe profiles are re-applied, then the driver sends fresh ones (a new lease).
    const before = a.fallbacks().length;
    const rebootAt = Date.now();
    await a.cp.call('BootNotification', { chargePointVendor: 'Strict', chargePointModel: 'Peer', firmwareVersion: '1.0' });
    await eventually(() => a.fallbacks().length >= before + 4, 5000, 're-applied and renewed');
    await eventually(() => a.fallbacks().slice(before).some((c) => c.params.csChargingProfiles.chargingProfilePurpose === 'ChargePointMaxProfile'
      && Date.parse(c.params.csChargingProfiles.chargingSchedule.startSchedule) >= Math.floor(rebootAt / 1000) * 1000), 3000, 'a fresh lease');
  });

  it('sends a station that takes whole amps only whole amps, fail-safe share and allocation alike', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid-3', limitA: 21 })).status, 201);
    await placeStation(server, 'LB-E', { circuitId: 'grid-3', evses: [AC32], quirks: { stepA: 1 } });
    await placeStation(server, 'LB-F', { circuitId: 'grid-3', evses: [AC32] });
    const e = await connect('LB-E', '1.6');
    const f = await connect('LB-F', '2.0.1');
    await eventually(() => e.failSafe() && f.failSafe(), 8000, 'fail-safe profiles');
    // Each its own maximum for the lease, then its share of 21 A: 10.5 A each, which for E rounds down to 10 A.
    assert.deepEqual(scheduleOf(e.failSafe()![0].params).chargingSchedulePeriod.map((p: any) => p.limit), [32, 10]);
    assert.deepEqual(f.failSafe()![0].params.chargingProfile.chargingSchedule[0].chargingSchedulePeriod.map((p: any) => p.limit), [32, 10.5]);

    await e.startSession(1, 'CARD-E');
    await f.startSession(1, 'CARD-F');
    const [limitE, limitF] = (await eventually(() => {
      const [le, lf] = [e.lastLimit(1), f.lastLimit(1)];
      return le !== undefined && lf !== undefined && le + lf > 20 ? ([le, lf] as const) : undefined;
    }, 4000, 'both allocated'))!;
    assert.ok(Number.isInteger(limitE) && limitE >= 6, `E got ${limitE} A`);
    assert.ok(limitE + limitF <= 21, `${limitE} + ${limitF} A on a 21 A circuit`);
    assert.ok(e.allocations().every((c) => Number.isInteger(scheduleOf(c.params).chargingSchedulePeriod[0].limit)));
    assert.deepEqual([...e.strictFailures, ...f.strictFailures], []);
  });

  it('treats an unanswered reduction as not applied: the others stay tightened until the station confirms', async () => {
    assert.equal((await sendJson(server, 'POST', '/site/circuits', { id: 'grid-2', limitA: 32 })).status, 201);
    await placeStation(server, 'LB-C', { circuitId: 'grid-2', evses: [AC32] });
    await placeStation(server, 'LB-D', { circuitId: 'grid-2', evses: [AC32] });
    const c = await connect('LB-C', '1.6');
    const d = await connect('LB-D', '1.6');
    await eventually(() => c.failSafe() && d.failSafe(), 8000, 'fail-safe profiles');
    await c.startSession(1, 'CARD-C');
    await eventually(() => c.lastLimit(1) === 32, 3000, 'C at 32 A');

    c.answer = () => 'silent';
    await d.startSession(1, 'CARD-D');
    await eventually(() => c.allocations().some((x) => scheduleOf(x.params).chargingSchedulePeriod[0].limit === 16), 3000, 'reduction sent to C');
    // The reduction times out (1 s): C may still draw 32 A, so D gets nothing.
    const blocked = await eventually(async () => {
      const body = (await getJson(`${server.baseUrl}/api/v1/site/allocations`)).body;
      const byStation = Object.fromEntries(body.evses.map((e: any) => [e.stationId, e]));
      return byStation['LB-C']?.applied.status === 'failed' && byStation['LB-D']?.allocation.currentA === 0 ? byStation : undefined;
    }, 4000, 'C failed and D tightened');
    assert.match(blocked!['LB-C'].reason, /more than its limit/);
    assert.match(blocked!['LB-C'].applied.problem, /no answer within 1000 ms/);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(d.allocations().filter((x) => scheduleOf(x.params).chargingSchedulePeriod[0].limit > 0), [], 'no increase for D while C has not confirmed');

    c.answer = () => 'Accepted';
    await eventually(() => d.lastLimit(1) === 16, 5000, 'D at 16 A once C confirmed');
    const confirmed = c.allocations().filter((x) => x.answeredAt !== null && scheduleOf(x.params).chargingSchedulePeriod[0].limit === 16)[0]!;
    assert.ok(d.allocations().at(-1)!.at >= confirmed.answeredAt!);
  });
});
