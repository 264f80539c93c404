import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { balancerStation, sendJson, type BalancerStation } from '../../testing/balancer-station.ts';
import { eventually } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { SitePowerRepo } from '../../storage/site-power-repo.ts';
import { MeterReadings } from '../meter/meter-readings.ts';
import { DEFAULT_CONFIG, defaultEvse, type Circuit, type SiteSnapshot, type StationElectrical } from '../site/model.ts';
import { SitePowerRecorder } from './site-power-recorder.ts';
import { sitePowerNow } from './site-power-now.ts';
import { EventBus } from '../../domain/events.ts';
import type { Transaction } from '../../domain/transaction.ts';

const V = 230;
const snapshotWith = (circuits: Partial<Circuit>[]): SiteSnapshot => ({
  circuits: circuits.map((c) => ({ id: 'grid', name: 'grid', parentId: null, limitA: 63, maxPowerKw: null, marginA: 0, schedule: [], meter: null, fallbackLoadA: null, override: null, createdAt: '', updatedAt: '', ...c })),
  stations: [],
  vehicles: [],
  config: DEFAULT_CONFIG,
  version: 1,
});

describe('site power now', () => {
  it('without circuits is the chargers against the site setting', () => {
    const s = sitePowerNow({
      now: 1000, snapshot: snapshotWith([]), meters: new MeterReadings(), usage: [], gridLimitA: 100,
      chargers: [{ stationId: 'A', evseId: 1, powerW: null, currentA: [10, 10, 10] }, { stationId: 'B', evseId: 1, powerW: 6900, currentA: null }],
    });
    assert.deepEqual(s.phaseA, [20, 20, 20]);
    assert.deepEqual([s.chargersW, s.powerW, s.limitA, s.limitW, s.buildingW], [30 * V + 6900, 30 * V + 6900, [100, 100, 100], 300 * V, null]);
  });

  it('puts each EVSE’s phases on the grid phases it is wired to, by station and EVSE', () => {
    const station = (stationId: string, evses: StationElectrical['evses']): StationElectrical => ({ stationId, circuitId: 'grid', evses, quirks: {} as StationElectrical['quirks'], createdAt: '', updatedAt: '' });
    const snapshot = {
      ...snapshotWith([{ id: 'grid' }]),
      stations: [
        station('A', [{ ...defaultEvse(1), phases: 1, rotation: ['L2', 'L3', 'L1'] }, { ...defaultEvse(2), rotation: ['L3', 'L1', 'L2'] }]),
        station('B', [{ ...defaultEvse(1), phases: 1, rotation: ['L3', 'L1', 'L2'] }]),
      ],
    } as SiteSnapshot;
    const s = sitePowerNow({
      now: 1000, snapshot, meters: new MeterReadings(), usage: [], gridLimitA: null,
      chargers: [
        { stationId: 'A', evseId: 1, powerW: null, currentA: [10, 0, 0] },
        { stationId: 'A', evseId: 2, powerW: null, currentA: [1, 2, 3] },
        { stationId: 'B', evseId: 1, powerW: 2300, currentA: null },
        { stationId: 'C', evseId: 1, powerW: null, currentA: [4, 5, 6] },
      ],
    });
    // A1 (1 phase) on L2; A2 L1→L3, L2→L1, L3→L2; B1 (1 phase, 10 A from its power) on L3; C unknown: wired straight.
    assert.deepEqual(s.phaseA, [2 + 4, 10 + 3 + 5, 1 + 10 + 6]);
  });

  it('with a grid meter that sees everything, the building is the meter less the chargers; the override limits', () => {
    const meters = new MeterReadings();
    meters.record({ circuitId: 'grid', currentA: [30, 25, 20], powerW: null, measuredAt: 900, source: 'push' });
    const snapshot = snapshotWith([{ meter: { kind: 'push', measures: 'total', staleAfterSeconds: 15 }, override: { limitA: 40, until: null, setAt: '' } }]);
    const s = sitePowerNow({ now: 1000, snapshot, meters, usage: [], gridLimitA: 100, chargers: [{ stationId: 'A', evseId: 1, powerW: null, currentA: [10, 10, 10] }] });
    assert.deepEqual([s.phaseA, s.limitA, s.buildingW, s.powerW], [[30, 25, 20], [40, 40, 40], 45 * V, 75 * V]);
    const stale = sitePowerNow({ now: 60_000, snapshot, meters, usage: [], gridLimitA: null, chargers: [] });
    assert.deepEqual([stale.buildingW, stale.powerW], [null, 0]);
  });
});

describe('site power sampling', () => {
  it('counts running sessions by their newest sample, leaving out those silent for 15 minutes', () => {
    const now = Date.parse('2026-11-25T12:00:00.000Z');
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const events = new EventBus();
    const deps = {
      events,
      writes: { run: async (job: () => unknown) => job() },
      log: { warn: () => undefined },
      siteSettings: { get: () => ({ gridLimitA: null }) },
      balancer: { driver: { reading: () => undefined, lastCycle: () => undefined }, site: { snapshot: () => snapshotWith([]) }, meters: new MeterReadings() },
    } as unknown as ConstructorParameters<typeof SitePowerRecorder>[0];
    const row = (id: number, lastPowerW: number, lastSampleAt: string | null) => ({ id, stationId: `CP-${id}`, evseId: 1, lastPowerW, lastSampleAt });
    const repo = { activeSessions: () => [row(1, 1000, ago(1)), row(2, 2000, ago(16)), row(3, 4000, null)], put: () => undefined, pruneBefore: () => 0 } as unknown as SitePowerRepo;
    const recorder = new SitePowerRecorder(deps, repo);
    recorder.start();
    try {
      assert.equal(recorder.sample(now).chargersW, 1000, 'only the session with a recent sample');
      const updated = (id: number, lastPowerW: number, lastSampleAt: string) =>
        events.publish({ type: 'transaction.updated', data: { ...row(id, lastPowerW, lastSampleAt), status: 'active' } as unknown as Transaction });
      updated(2, 2500, ago(14.9));
      updated(3, 4000, ago(0.1));
      assert.equal(recorder.sample(now).chargersW, 1000 + 2500 + 4000);
      updated(1, 1000, ago(15.1));
      assert.equal(recorder.sample(now).chargersW, 2500 + 4000);
    } finally {
      recorder.stop();
    }
  });
});

describe('site power history', () => {
  let server: TestServer;
  let station: BalancerStation;
  const history = (query: string) => sendJson(server, 'GET', `/site/power-history${query}`);

  before(async () => {
    server = await startTestServer();
    assert.equal((await sendJson(server, 'PATCH', '/settings', { gridLimitA: 100 })).status, 200);
    station = await balancerStation(server, 'POWER-CP1', '1.6');
  });
  after(async () => {
    await station.close();
    await server.stop();
  });

  it('records what the stations draw against the grid limit, and hands it back as columns', async () => {
    await station.startSession(1, 'TAG-1');
    await station.meter(1, [16, 16, 16]);
    const recorder = server.appliance.services.sitePower;
    const sample = await eventually(() => {
      const s = recorder.sample();
      return s.phaseA[0] === 16 ? s : undefined;
    }, 5000, 'the session’s currents in the site power');
    assert.deepEqual([sample!.powerW, sample!.limitW], [48 * V, 300 * V]);

    const { status, body } = await history('');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.step, 60);
    const last = body.t.length - 1;
    assert.ok(last >= 0 && Math.abs(body.t[last] - Date.now() / 1000) < 120, 'the minute in progress is in the history');
    assert.deepEqual([body.powerMaxW[last], body.limitW[last], body.buildingW[last]], [48 * V, 300 * V, null]);
    assert.ok(body.l1A[last] > 0 && body.l1A[last] <= 16, 'the minute’s average current, with samples from before the session');
    for (const column of ['powerW', 'limitW', 'buildingW', 'l1A', 'l2A', 'l3A']) assert.equal(body[column].length, body.t.length, column);
    assert.deepEqual([body.latest.phaseA, body.latest.limitA], [[16, 16, 16], [100, 100, 100]]);
  });

  it('follows sessions by their events once started, reading the running sessions from SQLite only at start', async () => {
    const { services } = server.appliance;
    const repo = new SitePowerRepo(services.db);
    let reads = 0;
    const counted = Object.assign(Object.create(repo) as SitePowerRepo, { activeSessions: () => (reads++, repo.activeSessions()) });
    const tracking = new SitePowerRecorder(services, counted);
    const fresh = () => new SitePowerRecorder(services, repo).sample().chargersW;
    tracking.start();
    try {
      const before = tracking.sample().chargersW;
      assert.equal(before, fresh(), 'the session already running is counted from its row');
      const { transactionId } = await station.startSession(2, 'TAG-2');
      const power = async (watts: number) =>
        station.cp.call('MeterValues', {
          connectorId: 2, transactionId,
          meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(watts), measurand: 'Power.Active.Import', unit: 'W' }] }],
        });
      await power(7400);
      assert.equal(tracking.sample().chargersW, before + 7400, 'a new session and its power');
      await power(3700);
      assert.equal(tracking.sample().chargersW, before + 3700, 'its newer power');
      assert.equal(tracking.sample().chargersW, fresh());
      await station.cp.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
      assert.equal(tracking.sample().chargersW, before, 'an ended session no longer counts');
      assert.equal(tracking.sample().chargersW, fresh());
      assert.equal(reads, 1, 'the running sessions were read once, at start');
    } finally {
      tracking.stop();
    }
  });

  it('keeps 35 days: older minutes are pruned', async () => {
    const { db, writes } = server.appliance.services;
    const repo = new SitePowerRepo(db);
    const now = Date.now();
    const minuteAgo = (days: number) => Math.floor((now - days * 86_400_000) / 60_000) * 60;
    const row = (minute: number) => ({ minute, samples: 1, powerW: 1000, powerMaxW: 1000, phaseA: [1, 1, 1] as [number, number, number], limitW: null, limitA: null, buildingW: 500 });
    await writes.run(() => repo.put([row(minuteAgo(40)), row(minuteAgo(30))]));
    const range = `?from=${new Date(now - 45 * 86_400_000).toISOString()}&to=${new Date(now).toISOString()}&step=86400`;
    assert.equal((await history(range)).body.t.length, 3, 'before pruning: 40 and 30 days ago, and today');

    new SitePowerRecorder(server.appliance.services, repo).sample(now);
    await eventually(async () => (await history(range)).body.t.length === 2, 5000, 'the 40-day-old minute pruned');
    const kept = (await history(range)).body;
    assert.deepEqual([kept.buildingW[0], kept.powerW[0]], [500, 1000]);
  });

  it('refuses a step that is not whole minutes, an empty range and too many points', async () => {
    const bad = async (query: string, field: string) => {
      const { status, body } = await history(query);
      assert.equal(status, 400, query);
      assert.deepEqual(body.error.details.fields.map((f: { field: string }) => f.field), [field], query);
    };
    await bad('?step=90', 'step');
    await bad('?step=30', 'step');
    await bad('?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from');
    await bad('?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=60', 'step');
    await bad('?from=yesterday', 'from');
  });
});
