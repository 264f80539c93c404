import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, placeStation, purposeOf, scheduleOf, sendJson, type BalancerStation } from '../../testing/balancer-station.ts';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const AC32 = { evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 };

describe('load-management driver: quirks, limit drops, non-compliant stations, silent meters', () => {
  let server: TestServer;
  const stations: BalancerStation[] = [];
  const connect = async (id: string, version: '1.6' | '2.0.1') => {
    const s = await balancerStation(server, id, version);
    stations.push(s);
    return s;
  };
  const allocations = async () => (await getJson(`${server.baseUrl}/api/v1/site/allocations`)).body;

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 5 });
    for (const card of ['CARD-E', 'CARD-F', 'CARD-G', 'CARD-H']) await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: card });
    await sendJson(server, 'PATCH', '/site/config', {
      driver: { debounceMs: 50, cycleSeconds: 0.5, commandTimeoutSeconds: 1, followSeconds: 0.3, leaseSeconds: 60, overdrawToleranceSeconds: 0.5 },
    });
  });
  after(async () => {
    for (const s of stations) await s.close();
    await server.stop();
  });

  it('honours station quirks (W only, stack level 0 only, no TxProfile, 8 A minimum) and reduces within 1 s of a limit drop', async () => {
    await sendJson(server, 'POST', '/site/circuits', { id: 'grid-q', limitA: 20 });
    await placeStation(server, 'LB-E', { circuitId: 'grid-q', evses: [AC32], quirks: { stackLevel0Only: true, minCurrentA: 8, noTxProfile: true, unitOnly: 'W' } });
    const e = await connect('LB-E', '1.6');
    await eventually(() => e.failSafe(), 8000, 'fail-safe profiles');
    const [max, txDefault] = e.failSafe()!.map((c) => c.params.csChargingProfiles);
    // In W the share must hold on one phase (a 1-phase car): 20 A × 230 V; the lease gives 3 × 32 A × 230 V.
    assert.deepEqual([max.stackLevel, max.chargingProfilePurpose, max.chargingSchedule.chargingRateUnit, max.chargingSchedule.chargingSchedulePeriod],
      [0, 'ChargePointMaxProfile', 'W', [{ startPeriod: 0, limit: 22080 }, { startPeriod: 60, limit: 4600 }]]);
    assert.deepEqual([txDefault.stackLevel, txDefault.chargingSchedule.chargingSchedulePeriod], [0, [{ startPeriod: 0, limit: 0 }, { startPeriod: 60, limit: 4600 }]]);

    await e.startSession(1, 'CARD-E');
    await eventually(() => e.allocations().length === 1, 3000, 'allocation');
    const sent = e.allocations()[0]!.params;
    assert.deepEqual(sent, {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: sent.csChargingProfiles.chargingProfileId, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 13800, numberPhases: 3 }] },
      },
    });

    // 7 A is below the station's 8 A minimum: the session is paused (0 W), not starved at 7 A.
    const before = e.allocations().length;
    const changedAt = Date.now();
    assert.equal((await sendJson(server, 'PATCH', '/site/circuits/grid-q', { limitA: 7 })).status, 200);
    await eventually(() => e.allocations().length > before, 2000, 'reduction');
    const reduction = e.allocations()[before]!;
    assert.ok(reduction.at - changedAt < 1000, `reduction after ${reduction.at - changedAt} ms`);
    assert.deepEqual([purposeOf(reduction.params), scheduleOf(reduction.params).chargingSchedulePeriod[0].limit], ['TxDefaultProfile', 0]);
    const body = await eventually(async () => {
      const b = await allocations();
      return b.evses.find((x: any) => x.stationId === 'LB-E')?.allocation.currentA === 0 ? b : undefined;
    }, 2000, 'paused');
    assert.match(body.evses.find((x: any) => x.stationId === 'LB-E').reason, /^paused: too little for its minimum current \(grid-q L[123]\)$/);
    // The fail-safe share follows the model: at 7 A (< 8 A minimum) the station may not charge without Ampyard.
    await eventually(() => e.fallbacks().some((c) => c.params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod.at(-1).limit === 0), 3000, 'new share');
    // Taken out of the site model, the station loses its fail-safe profiles (it would stay held at its share).
    assert.equal((await sendJson(server, 'DELETE', '/stations/LB-E/electrical')).status, 204);
    await eventually(() => e.clears.length === 2, 3000, 'fail-safe profiles cleared');
    assert.deepEqual(e.clears, [
      { connectorId: 0, chargingProfilePurpose: 'ChargePointMaxProfile', stackLevel: 0 },
      { connectorId: 0, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 },
    ]);
    assert.deepEqual(e.strictFailures, []);
  });

  it('tightens the others when a station draws more than its limit for longer than the tolerance', async () => {
    await sendJson(server, 'POST', '/site/circuits', { id: 'grid-n', limitA: 40 });
    await placeStation(server, 'LB-F', { circuitId: 'grid-n', evses: [AC32] });
    await placeStation(server, 'LB-G', { circuitId: 'grid-n', evses: [AC32] });
    const f = await connect('LB-F', '1.6');
    const g = await connect('LB-G', '2.0.1');
    await eventually(() => f.fallbacks().length === 2 && g.fallbacks().length === 2, 8000, 'fail-safe profiles');
    await f.startSession(1, 'CARD-F');
    await g.startSession(1, 'CARD-G');
    await eventually(() => f.lastLimit(1) === 20 && g.lastLimit(1) === 20 && f.allocations().at(-1)!.answeredAt !== null, 4000, '20 A each');
    await new Promise((r) => setTimeout(r, 400));

    // F keeps drawing 30 A on a 20 A limit.
    await f.meter(1, [30, 30, 30]);
    await new Promise((r) => setTimeout(r, 600));
    await f.meter(1, [30, 30, 30]);
    await eventually(() => (g.lastLimit(1) ?? 99) <= 9, 3000, 'G tightened to what F leaves');
    const warnings = (await getJson(`${server.baseUrl}/api/v1/stations/LB-F/warnings`)).body.items;
    assert.ok(warnings.some((w: any) => w.kind === 'balancer-overdraw'), JSON.stringify(warnings));
    const body = await allocations();
    const fRow = body.evses.find((x: any) => x.stationId === 'LB-F');
    assert.equal(fRow.nonCompliant.peakA, 30);
    assert.match(fRow.reason, /more than its limit/);
    assert.deepEqual(fRow.measuredA, [30, 30, 30]);
  });

  it('assumes the worst-case building load when the site meter goes silent', async () => {
    await sendJson(server, 'POST', '/site/circuits', { id: 'grid-m', limitA: 40, meter: { kind: 'push', staleAfterSeconds: 1 }, fallbackLoadA: 20 });
    await placeStation(server, 'LB-H', { circuitId: 'grid-m', evses: [AC32] });
    const h = await connect('LB-H', '1.6');
    await eventually(() => h.fallbacks().length === 2, 8000, 'fail-safe profiles');
    // The fail-safe share already assumes the worst-case load: 40 − 20 A.
    assert.equal(h.fallbacks()[0]!.params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod.at(-1).limit, 20);
    await postJson(`${server.baseUrl}/api/v1/site/meter-readings`, { circuitId: 'grid-m', currentA: [5, 5, 5] });
    await h.startSession(1, 'CARD-H');
    await eventually(() => h.lastLimit(1) === 32, 3000, 'full 32 A with 5 A of building load');
    const silentFrom = Date.now();
    await eventually(() => h.lastLimit(1) === 20, 4000, 'reduced to 40 − 20 A');
    assert.ok(Date.now() - silentFrom >= 500);
    const circuit = (await allocations()).circuits.find((c: any) => c.id === 'grid-m');
    assert.deepEqual([circuit.loadA, circuit.loadStale], [[20, 20, 20], true]);
    // A fresh reading brings the capacity back.
    await postJson(`${server.baseUrl}/api/v1/site/meter-readings`, { circuitId: 'grid-m', currentA: [4, 4, 4] });
    await eventually(() => h.lastLimit(1) === 32, 3000, 'back to 32 A');
  });
});
