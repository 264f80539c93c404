import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('site model REST API', () => {
  let server: TestServer;
  const url = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await server.api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const fields = (body: any) => body.error.details.fields.map((f: any) => f.field).sort();

  before(async () => {
    server = await startTestServer();
    await postJson(url('/stations'), { id: 'SITE-CP1' });
  });
  after(() => server.stop());

  it('builds a circuit tree with field-level validation, and keeps it a tree', async () => {
    const grid = await send('POST', '/site/circuits', { id: 'grid', name: 'grid', limitA: 63, marginA: 2, maxPowerKw: 43 });
    assert.equal(grid.status, 201, JSON.stringify(grid.body));
    assert.deepEqual([grid.body.parentId, grid.body.limitA, grid.body.schedule, grid.body.meter], [null, 63, [], null]);
    const feeder = await send('POST', '/site/circuits', {
      id: 'feeder-b', name: 'feeder B', parentId: 'grid', limitA: [32, 32, 25],
      schedule: [{ days: [1, 2, 3, 4, 5], from: '17:00', to: '20:00', limitA: 20 }],
      meter: { kind: 'push', measures: 'non-charger' }, fallbackLoadA: 10,
    });
    assert.equal(feeder.status, 201, JSON.stringify(feeder.body));
    assert.deepEqual(feeder.body.meter, { kind: 'push', measures: 'non-charger', staleAfterSeconds: 15 });

    const bad = await send('POST', '/site/circuits', { id: 'bad id!', limitA: -1, schedule: [{ from: '25:00', to: '08:00' }], extra: 1 });
    assert.equal(bad.status, 400);
    assert.ok(fields(bad.body).includes('id') && fields(bad.body).includes('extra') && fields(bad.body).some((f: string) => f.startsWith('schedule.0.from')));
    assert.equal((await send('POST', '/site/circuits', { id: 'grid', limitA: 10 })).status, 409);
    const orphan = await send('POST', '/site/circuits', { id: 'x', parentId: 'nowhere', limitA: 10 });
    assert.deepEqual([orphan.status, fields(orphan.body)], [400, ['parentId']]);
    const noLimit = await send('POST', '/site/circuits', { id: 'y', parentId: 'grid', limitA: 10, schedule: [{ from: '08:00', to: '09:00' }] });
    assert.deepEqual([noLimit.status, fields(noLimit.body)], [400, ['schedule.0']]);
    const modbus = await send('POST', '/site/circuits', { id: 'z', parentId: 'grid', limitA: 10, meter: { kind: 'modbus', modbus: { host: '10.0.0.5', preset: 'no-such-meter' } } });
    assert.deepEqual([modbus.status, fields(modbus.body)], [400, ['meter.modbus.preset']]);

    // Moving the grid below the feeder would make a loop.
    const loop = await send('PATCH', '/site/circuits/grid', { parentId: 'feeder-b' });
    assert.deepEqual([loop.status, fields(loop.body)], [400, ['parentId']]);
    const renamed = await send('PATCH', '/site/circuits/feeder-b', { name: 'Feeder B', fallbackLoadA: null });
    assert.deepEqual([renamed.status, renamed.body.name, renamed.body.fallbackLoadA, renamed.body.parentId], [200, 'Feeder B', null, 'grid']);

    assert.equal((await send('DELETE', '/site/circuits/grid')).status, 409, 'a circuit with circuits below it');
    const override = await send('PUT', '/site/circuits/grid/override', { limitA: 40, until: '2099-01-01T00:00:00Z' });
    assert.deepEqual([override.status, override.body.override.limitA, override.body.override.until], [200, 40, '2099-01-01T00:00:00.000Z']);
    assert.equal((await send('DELETE', '/site/circuits/grid/override')).body.override, null);
    assert.equal((await send('GET', '/site/circuits/nope')).status, 404);
    assert.deepEqual((await getJson(url('/site/circuits'))).body.items.map((c: any) => c.id), ['feeder-b', 'grid']);
  });

  it('places stations on circuits with their EVSE wiring and quirks; a circuit with stations cannot be deleted', async () => {
    const put = await send('PUT', '/stations/SITE-CP1/electrical', {
      circuitId: 'feeder-b',
      evses: [{ evseId: 1, phases: 1, rotation: ['L2'], maxCurrentA: 32 }, { evseId: 2, kind: 'DC', phases: 3, maxPowerW: 50_000, unit: 'W' }],
      quirks: { stackLevel0Only: true, minCurrentA: 8 },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.evses[0], { evseId: 1, kind: 'AC', phases: 1, rotation: ['L2'], minCurrentA: null, maxCurrentA: 32, maxPowerW: null, minPowerW: null, unit: 'A', voltageV: null });
    assert.deepEqual(put.body.quirks, { stackLevel0Only: true, minCurrentA: 8, stepA: null, noTxProfile: false, unitOnly: null, ignoresLimits: false });
    assert.deepEqual((await getJson(url('/stations/SITE-CP1/electrical'))).body.circuitId, 'feeder-b');

    // A station that takes whole amps: its minimum rounds up and its maximum down to the step.
    const wholeAmps = { circuitId: 'feeder-b', evses: [{ evseId: 1, maxCurrentA: 16 }], quirks: { minCurrentA: 6.5, stepA: 1 } };
    const stepped = await send('PUT', '/stations/SITE-CP1/electrical', wholeAmps);
    assert.deepEqual([stepped.status, stepped.body.quirks.stepA], [200, 1], JSON.stringify(stepped.body));
    const tooLow = await send('PUT', '/stations/SITE-CP1/electrical', { ...wholeAmps, evses: [{ evseId: 1, maxCurrentA: 6.9 }] });
    assert.deepEqual([tooLow.status, fields(tooLow.body)], [400, ['evses.0.maxCurrentA']], 'max 6.9 A is 6 A in whole amps, below the minimum of 7 A');
    assert.match(tooLow.body.error.details.fields[0].message, /7 A \(in steps of 1 A\)/);
    const offGrid = await send('PUT', '/stations/SITE-CP1/electrical', { ...wholeAmps, quirks: { stepA: 0.25 } });
    assert.deepEqual([offGrid.status, fields(offGrid.body)], [400, ['quirks.stepA']]);
    assert.deepEqual([(await send('PUT', '/stations/SITE-CP1/electrical', { ...wholeAmps, quirks: { stepA: 0 } })).status], [400]);
    assert.equal((await getJson(url('/stations/SITE-CP1/electrical'))).body.quirks.stepA, 1, 'refused changes changed nothing');

    const bad = await send('PUT', '/stations/SITE-CP1/electrical', {
      circuitId: 'nowhere',
      evses: [{ evseId: 1, phases: 2, rotation: ['L1'] }, { evseId: 1, phases: 3, rotation: ['L1', 'L1', 'L2'], maxCurrentA: 5 }],
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(fields(bad.body), ['circuitId', 'evses.0.rotation', 'evses.1.evseId', 'evses.1.maxCurrentA', 'evses.1.rotation']);
    assert.equal((await send('PUT', '/stations/NO-SUCH/electrical', { circuitId: 'grid' })).status, 404);
    assert.equal((await send('DELETE', '/site/circuits/feeder-b')).status, 409, 'a circuit with a station on it');
  });

  it('keeps fleet vehicles with their id tokens (one vehicle per token), departures and priority', async () => {
    const van = await send('POST', '/site/vehicles', {
      id: 'van-1', name: 'Van 1', idTokens: ['CARD-VAN1'], batteryKwh: 75, maxChargeKw: 11, phases: 3, priority: 2,
      departures: [{ days: [1, 2, 3, 4, 5], at: '06:30', arriveAt: '18:00', targetSocPct: 80 }], home: { stationId: 'SITE-CP1', evseId: 1 },
    });
    assert.equal(van.status, 201, JSON.stringify(van.body));
    const dup = await send('POST', '/site/vehicles', { name: 'Van 2', idTokens: ['card-van1'] });
    assert.deepEqual([dup.status, fields(dup.body)], [400, ['idTokens.0']]);
    const soc = await send('POST', '/site/vehicles', { name: 'Van 3', departures: [{ days: [1], at: '07:00', targetSocPct: 90 }] });
    assert.deepEqual([soc.status, fields(soc.body)], [400, ['departures.0.targetSocPct']]);
    const generated = await send('POST', '/site/vehicles', { name: 'Truck' });
    assert.match(generated.body.id, /^v-/);
    const patched = await send('PATCH', '/site/vehicles/van-1', { priority: 5 });
    assert.deepEqual([patched.body.priority, patched.body.idTokens], [5, ['CARD-VAN1']]);
    assert.equal((await send('DELETE', `/site/vehicles/${generated.body.id}`)).status, 204);
    assert.deepEqual((await getJson(url('/site/vehicles'))).body.items.map((v: any) => v.id), ['van-1']);
  });

  it('takes prices and settings, and pushed meter readings for push meters only', async () => {
    const config = await send('PATCH', '/site/config', { timeZone: 'Europe/Berlin', prices: { default: 0.3, windows: [{ from: '22:00', to: '06:00', price: 0.12 }] }, driver: { leaseSeconds: 90 } });
    assert.equal(config.status, 200, JSON.stringify(config.body));
    assert.deepEqual([config.body.timeZone, config.body.driver.leaseSeconds, config.body.driver.debounceMs], ['Europe/Berlin', 90, 250]);
    // Tuning: null puts a setting back to its default; the defaults are published.
    const defaults = (await getJson(url('/site/config/defaults'))).body;
    assert.deepEqual([defaults.balancer.rotationPeriodS, defaults.balancer.slotMinutes, defaults.driver.cycleSeconds, defaults.driver.leaseSeconds], [600, 15, 5, 120]);
    assert.equal(defaults.balancer.priceEpsilon, undefined, 'only what the API lets one tune');
    const tuned = await send('PATCH', '/site/config', { balancer: { rotationPeriodS: 900, replanS: 60 }, driver: { cycleSeconds: 2 } });
    assert.deepEqual([tuned.status, tuned.body.balancer, tuned.body.driver.cycleSeconds], [200, { rotationPeriodS: 900, replanS: 60 }, 2]);
    const reset = await send('PATCH', '/site/config', { balancer: { rotationPeriodS: null }, driver: { cycleSeconds: null, leaseSeconds: null } });
    assert.deepEqual([reset.status, reset.body.balancer, reset.body.driver.cycleSeconds, reset.body.driver.leaseSeconds], [200, { replanS: 60 }, 5, 120]);
    const tooFast = await send('PATCH', '/site/config', { balancer: { slotMinutes: 7 }, driver: { cycleSeconds: 0.1 } });
    assert.deepEqual([tooFast.status, fields(tooFast.body)], [400, ['balancer.slotMinutes', 'driver.cycleSeconds']]);
    const probe = await send('PATCH', '/site/config', { balancer: { probeIntervalS: 60, probeDurationS: 60 } });
    assert.deepEqual([probe.status, fields(probe.body)], [400, ['balancer.probeDurationS']]);
    assert.deepEqual((await getJson(url('/site/config'))).body.balancer, { replanS: 60 }, 'a refused change changes nothing');
    assert.equal((await send('PATCH', '/site/config', { balancer: { replanS: null } })).status, 200);

    const badZone = await send('PATCH', '/site/config', { timeZone: 'Mars/Olympus', prices: { windows: [{ from: '22:10', to: '06:00', price: 1 }] } });
    assert.deepEqual([badZone.status, fields(badZone.body)], [400, ['prices.windows.0.from', 'timeZone']]);

    const reading = await postJson(url('/site/meter-readings'), { circuitId: 'feeder-b', currentA: [10, 12.5, 8] });
    assert.equal(reading.status, 202, JSON.stringify(reading.body));
    assert.equal((await postJson(url('/site/meter-readings'), { circuitId: 'grid', currentA: [1, 1, 1] })).status, 409, 'the grid has no push meter');
    assert.equal((await postJson(url('/site/meter-readings'), { circuitId: 'nope', currentA: [1, 1, 1] })).status, 404);
    assert.equal((await postJson(url('/site/meter-readings'), { circuitId: 'feeder-b', currentA: [1, 1] })).status, 400);
    const meters = (await getJson(url('/site/meters'))).body;
    assert.deepEqual(meters.items.map((m: any) => [m.circuitId, m.stale, m.lastReading.currentA]), [['feeder-b', false, [10, 12.5, 8]]]);
    assert.ok(meters.presets['eastron-sdm630'] && meters.presets['carlo-gavazzi-em24']);
    const whole = (await getJson(url('/site'))).body;
    assert.deepEqual(Object.keys(whole).sort(), ['circuits', 'config', 'problems', 'stations', 'vehicles']);
  });

  it('lets viewers read the site model but not change it', async () => {
    const viewer = withToken(server, (await createUserWithToken(server, 'site-viewer', 'viewer')).token);
    assert.equal((await viewer('/site/circuits')).status, 200);
    assert.equal((await viewer('/site/allocations')).status, 200);
    const res = await viewer('/site/circuits', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'v', limitA: 1 }) });
    assert.equal(res.status, 403);
  });
});
