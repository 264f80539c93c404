import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from '../domain/events.ts';
import type { MeterSample } from '../domain/meter.ts';
import { TransactionService } from '../domain/transactions.ts';
import { createLogger } from '../log/logger.ts';
import { openDatabase, type Db } from './database.ts';
import { LiveFigures } from './live-figures.ts';
import { LiveReadingsRepo } from './live-readings-repo.ts';
import { SitePowerRepo } from './site-power-repo.ts';
import { TransactionsRepo } from './transactions-repo.ts';
import { WriteQueue } from './write-queue.ts';
import { tempDir } from '../testing/temp-dir.ts';

const sample = (timestamp: string, measurand: string, value: number): MeterSample => ({
  timestamp, measurand, phase: null, location: null, context: null, unit: measurand.startsWith('Energy') ? 'Wh' : 'W', value, rawValue: String(value), rawUnit: null, signedData: null,
});
const reading = (timestamp: string, wh: number, w: number) => [sample(timestamp, 'Energy.Active.Import.Register', wh), sample(timestamp, 'Power.Active.Import', w)];

function appliance(db: Db) {
  const live = new LiveFigures({ writeEveryMs: 60_000 });
  const repo = new TransactionsRepo(db, live);
  const writes = new WriteQueue(db);
  const service = new TransactionService(repo, writes, new EventBus(), createLogger('silent'));
  return { live, repo, writes, service, sitePower: new SitePowerRepo(db, live) };
}

const storedRow = (db: Db, id: number) =>
  db.prepare('SELECT last_meter_wh AS meterWh, last_power_w AS powerW, last_sample_at AS at, status, meter_stop_wh AS stopWh, energy_wh AS energyWh FROM transactions WHERE id = ?').get(id) as Record<string, unknown>;

async function startSession(service: TransactionService, stationId: string) {
  const { transaction } = await service.start(stationId, {
    evseId: 1, connectorId: 1, idToken: 'CARD', idTokenType: 'ISO14443', groupId: null, authStatus: 'Accepted', meterStartWh: 1000,
    timestamp: '2026-11-24T08:00:00.000Z', reservationId: null, stationTxId: null, startKey: null, offline: false,
  });
  return transaction;
}

describe('live figures of running sessions', () => {
  it('writes a row with its first figures, then again after a random half to whole period, then every period', () => {
    const live = new LiveFigures({ writeEveryMs: 60_000 });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 24, 8, 0, s)).toISOString();
    const secondWrites = new Set<number>();
    for (let id = 1; id <= 200; id++) {
      assert.ok(live.record(id, at(0), 1000, null, at(0), 0), 'the first figures are written at once');
      assert.equal(live.record(id, at(29), 1001, null, at(29), 29_999), undefined, 'not again within half a period');
      let second = 30_000;
      while (!live.record(id, at(second / 1000), 1002, null, at(second / 1000), second)) second += 1000;
      assert.ok(second <= 60_000, `second write after ${second} ms`);
      secondWrites.add(second);
      assert.equal(live.record(id, at(second / 1000 + 59), 1003, null, at(second / 1000 + 59), second + 59_000), undefined);
      assert.ok(live.record(id, at(second / 1000 + 60), 1004, null, at(second / 1000 + 60), second + 60_000), 'then every period');
    }
    // Sessions that started together are not all written again together.
    assert.ok(secondWrites.size > 10, `${secondWrites.size} different moments`);

  it('hands out the figures due as they were: later samples (held in place) do not change a write still queued', () => {
    const live = new LiveFigures({ writeEveryMs: 60_000 });
    const due = live.record(7, '2026-11-24T08:00:00.000Z', 1000, 7000, '2026-11-24T08:00:01.000Z', 0);
    assert.ok(due);
    assert.equal(live.record(7, '2026-11-24T08:00:10.000Z', 1100, null, '2026-11-24T08:00:11.000Z', 10_000), undefined);
    assert.deepEqual(due, { at: '2026-11-24T08:00:00.000Z', meterWh: 1000, powerW: 7000, now: '2026-11-24T08:00:01.000Z' });
    const row = live.apply({ id: 7, lastMeterWh: 900, lastPowerW: null, lastSampleAt: null });
    assert.deepEqual([row.lastMeterWh, row.lastPowerW, row.lastSampleAt], [1100, 7000, '2026-11-24T08:00:10.000Z'], 'a sample without power keeps the newest power');
  });
  });

  it('readers get every sample’s figures while the row is written with the first and then only now and then; the end writes the newest', async () => {
    const db = openDatabase(tempDir('ampyard-live-'));
    const { service, sitePower, live } = appliance(db);
    const tx = await startSession(service, 'LIVE-1');
    await service.recordMeterValues('LIVE-1', 1, tx.id, reading('2026-11-24T08:01:00.000Z', 1500, 7000));
    await service.recordMeterValues('LIVE-1', 1, tx.id, reading('2026-11-24T08:02:00.000Z', 1600, 7400));
    await service.recordMeterValues('LIVE-1', 1, tx.id, [sample('2026-11-24T08:03:00.000Z', 'Energy.Active.Import.Register', 1700)]);
    // A late sample from before the newest changes nothing.
    await service.recordMeterValues('LIVE-1', 1, tx.id, reading('2026-11-24T08:00:30.000Z', 1200, 5000));

    const seen = service.get(tx.id)!;
    assert.deepEqual([seen.lastMeterWh, seen.lastPowerW, seen.lastSampleAt], [1700, 7400, '2026-11-24T08:03:00.000Z'], 'newest register, newest power reported');
    assert.deepEqual(service.list({ stationId: 'LIVE-1', limit: 10, offset: 0 }).items.map((t) => t.lastMeterWh), [1700]);
    assert.deepEqual(sitePower.activeSessions().map((s) => [s.id, s.lastPowerW]), [[tx.id, 7400]]);
    assert.deepEqual(storedRow(db, tx.id), { meterWh: 1500, powerW: 7000, at: '2026-11-24T08:01:00.000Z', status: 'active', stopWh: null, energyWh: null }, 'the row holds the first figures only');

    await service.stop(tx.id, { meterStopWh: 1750, timestamp: '2026-11-24T08:04:00.000Z', reason: 'EVDisconnected', idToken: null });
    assert.deepEqual(storedRow(db, tx.id), { meterWh: 1700, powerW: 7400, at: '2026-11-24T08:03:00.000Z', status: 'ended', stopWh: 1750, energyWh: 750 });
    assert.equal(live.size, 0, 'an ended session is forgotten');
    db.close();
  });

  it('a 2.x event that only advances seqNo is held like the figures: readers see it, the row gets it at the end or with a real update', async () => {
    const db = openDatabase(tempDir('ampyard-live-'));
    const { service } = appliance(db);
    const storedSeqNo = (id: number) => db.prepare('SELECT seq_no FROM transactions WHERE id = ?').pluck().get(id);
    const tx = await startSession(service, 'SEQ-1');
    const advanced = await service.advance(tx, 4, reading('2026-11-24T08:01:00.000Z', 1500, 7000));
    assert.equal(advanced.seqNo, 4);
    assert.equal(advanced.lastMeterWh, 1500);
    assert.equal((await service.advance(advanced, 5, [])).seqNo, 5, 'no samples: nothing to store');
    assert.equal(service.get(tx.id)!.seqNo, 5);
    assert.equal(storedSeqNo(tx.id), null, 'the row is not rewritten for a seqNo');
    // An update that changes the row writes the seqNo it brings; nothing older is laid over it.
    await service.update(tx.id, { chargingState: 'SuspendedEV', seqNo: 6 });
    assert.equal(storedSeqNo(tx.id), 6);
    assert.equal(service.get(tx.id)!.seqNo, 6);
    await service.advance(service.get(tx.id)!, 7, []);
    await service.reconcileStation('SEQ-1', 'reconciled-boot', '2026-11-24T08:05:00.000Z');
    assert.equal(storedSeqNo(tx.id), 7, 'closing the session writes the held seqNo');
    db.close();
  });

  it('running sessions are read from memory, never with a change that was rolled back, and every write is seen at once', async () => {
    const db = openDatabase(tempDir('ampyard-live-'));
    const { service, repo, writes } = appliance(db);
    const tx = await startSession(service, 'CACHE-1');
    assert.equal(service.get(tx.id)!.chargingState, null);
    assert.equal(service.byStationTxId('CACHE-1', tx.stationTxId)!.id, tx.id);
    // A write that reads its own change and then fails: the change is rolled back, and must not be remembered.
    await assert.rejects(writes.run(() => {
      repo.update({ id: tx.id, chargingState: 'SuspendedEV' });
      assert.equal(repo.get(tx.id)!.chargingState, 'SuspendedEV');
      throw new Error('rolled back');
    }));
    assert.equal(service.get(tx.id)!.chargingState, null);
    assert.equal(service.byStationTxId('CACHE-1', tx.stationTxId)!.chargingState, null);
    await service.update(tx.id, { chargingState: 'Charging' });
    assert.equal(service.get(tx.id)!.chargingState, 'Charging');
    await service.stop(tx.id, { meterStopWh: 1500, timestamp: '2026-11-24T09:00:00.000Z', reason: 'Local', idToken: null });
    assert.equal(service.byStationTxId('CACHE-1', tx.stationTxId)!.status, 'ended');
    assert.equal(service.get(tx.id)!.status, 'ended');
    db.close();
  });

  it('knows which sessions have no current, power or SoC sample, so the load balancer need not look them up', async () => {
    const dir = tempDir('ampyard-live-');
    const db = openDatabase(dir);
    const { service } = appliance(db);
    const readings = new LiveReadingsRepo(db, (id) => service.mayHaveLiveReadings(id));
    const energyOnly = await startSession(service, 'LIVE-3');
    await service.recordMeterValues('LIVE-3', 1, energyOnly.id, [sample('2026-11-24T08:01:00.000Z', 'Energy.Active.Import.Register', 1100)]);
    assert.equal(service.mayHaveLiveReadings(energyOnly.id), false);
    const withPower = await startSession(service, 'LIVE-4');
    await service.recordMeterValues('LIVE-4', 1, withPower.id, reading('2026-11-24T08:01:00.000Z', 1100, 6900));
    assert.equal(service.mayHaveLiveReadings(withPower.id), true);
    assert.deepEqual(readings.latest(withPower.id).map((r) => [r.measurand, r.value]), [['Power.Active.Import', 6900]]);
    // Another process (after a restart) knows nothing of the sessions it did not start: it looks them up.
    const again = appliance(openDatabase(dir));
    assert.equal(again.service.mayHaveLiveReadings(energyOnly.id), true);
    assert.deepEqual(new LiveReadingsRepo(db, (id) => again.service.mayHaveLiveReadings(id)).latest(withPower.id).length, 1);
    db.close();
  });

  it('after a crash, a session closed by reconciliation takes its register from the stored samples, not the lagging row', async () => {
    const dir = tempDir('ampyard-live-');
    const db = openDatabase(dir);
    const first = appliance(db);
    const tx = await startSession(first.service, 'LIVE-2');
    for (const [minute, wh] of [[1, 1100], [2, 1300], [3, 1600]] as const) {
      await first.service.recordMeterValues('LIVE-2', 1, tx.id, reading(`2026-11-24T08:0${minute}:00.000Z`, wh, 7000));
    }
    // No orderly end: the process is gone, and with it the figures held in memory.
    const again = appliance(openDatabase(dir));
    assert.equal(again.service.get(tx.id)!.lastMeterWh, 1100, 'the row lags');
    const [closed] = await again.service.reconcileStation('LIVE-2', 'reconciled-boot', '2026-11-24T09:00:00.000Z');
    assert.equal(closed!.meterStopWh, 1600);
    assert.equal(closed!.energyWh, 600);
    db.close();
  });
});
