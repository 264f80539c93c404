import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MeterSample } from '../domain/meter.ts';
import { openDatabase } from './database.ts';
import { ExportsRepo } from './exports-repo.ts';
import { METER_BUCKET_ROWS, meterBucketIs, meterBucketsBetween } from './meter-values/meter-values-file.ts';
import { TransactionsRepo } from './transactions-repo.ts';
import { tempDir } from '../testing/temp-dir.ts';

const sample = (timestamp: string, value: number, extra: Partial<MeterSample> = {}): MeterSample => ({
  timestamp, measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: null, unit: 'Wh', value, rawValue: String(value), rawUnit: null, signedData: null, ...extra,
});
const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 8, 0, second)).toISOString();

describe('meter samples are stored once', () => {
  it('skips re-sent readings, keeps late but new ones and same-time readings that differ, also after a restart and a rolled-back write', () => {
    const dir = tempDir('ampyard-samples-');
    const db = openDatabase(dir);
    const repo = new TransactionsRepo(db);
    const rows = () => db.prepare('SELECT timestamp, measurand, phase, context, value FROM meter_values ORDER BY id').all() as Array<Record<string, unknown>>;

    repo.insertSamples('S1', 1, null, [sample(at(10), 100), sample(at(10), 100), sample(at(10), 7, { measurand: 'Current.Import', phase: 'L1' })]);
    assert.equal(rows().length, 2, 'a repeat within one message is stored once');
    repo.insertSamples('S1', 1, null, [sample(at(10), 100), sample(at(10), 7, { measurand: 'Current.Import', phase: 'L1' })]);
    assert.equal(rows().length, 2, 're-sent message');
    repo.insertSamples('S1', 1, null, [sample(at(5), 50), sample(at(10), 100, { context: 'Sample.Clock' }), sample(at(10), 8, { measurand: 'Current.Import', phase: 'L2' })]);
    assert.equal(rows().length, 5, 'an older reading never stored, and same-time readings that differ in context or phase, are new');
    repo.insertSamples('S1', 2, null, [sample(at(10), 100)]);
    repo.insertSamples('S2', 1, null, [sample(at(10), 100)]);
    assert.equal(rows().length, 7, 'another EVSE or station is another meter');

    // A write rolled back after the repo saw its readings: they are not stored, and a retry stores them.
    assert.throws(() => db.transaction(() => {
      repo.insertSamples('S1', 1, null, [sample(at(20), 200)]);
      throw new Error('rolled back');
    })());
    assert.equal(rows().length, 7);
    repo.insertSamples('S1', 1, null, [sample(at(20), 200)]);
    assert.equal(rows().length, 8);

    // A new process knows nothing in memory; the stored readings still count.
    const again = new TransactionsRepo(openDatabase(dir));
    again.insertSamples('S1', 1, null, [sample(at(20), 200), sample(at(10), 100), sample(at(30), 300)]);
    assert.deepEqual(rows().slice(8).map((r) => r['value']), [300]);
    db.close();
  });

  it("finds a session's samples on any EVSE of its station, within an hour of its start and end, and no other session's", () => {
    const db = openDatabase(tempDir('ampyard-samples-'));
    const repo = new TransactionsRepo(db);
    const start = (stationId: string, evseId: number) => repo.insert({
      stationId, evseId, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null, reservationId: null,
      startedAt: at(0), meterStartWh: 1000, startKey: null, offline: false, chargingState: null, seqNo: null,
    });
    const tx = start('S1', 1);
    const other = start('S1', 2);
    const elsewhere = start('S2', 1);
    const hoursAfter = (h: number) => new Date(Date.parse(at(0)) + h * 3600_000).toISOString();
    repo.insertSamples('S1', 1, tx, [sample(at(30), 1100), sample(at(30), 7, { measurand: 'Power.Active.Import', unit: 'W' })]);
    // Some chargers report a transaction's values under connector 0 or another connector.
    repo.insertSamples('S1', 0, tx, [sample(at(60), 1200)]);
    repo.insertSamples('S1', 3, tx, [sample(hoursAfter(20), 1300)]);
    repo.insertSamples('S1', 2, other, [sample(at(45), 5000)]);
    repo.insertSamples('S1', 1, null, [sample(at(50), 9999)]);
    repo.insertSamples('S2', 1, elsewhere, [sample(at(40), 4000)]);
    assert.deepEqual(repo.registerReadings(tx), [1100, 1200, 1300]);
    assert.deepEqual(repo.series(tx).map((s) => s.value), [1100, 7, 1200, 1300]);
    assert.deepEqual(repo.registerReadings(other), [5000]);
    assert.deepEqual(repo.registerReadings(elsewhere), [4000]);
    assert.deepEqual(repo.registerReadings(12345), [], 'no such session');

    repo.end({ id: tx, endedAt: hoursAfter(21), meterStopWh: 1400, energyWh: 400, stopReason: 'Local', endedBy: 'station', stopIdToken: null });
    repo.insertSamples('S1', 1, tx, [sample(hoursAfter(21.5), 1350), sample(hoursAfter(23), 1360)]);
    repo.insertSamples('S1', 1, tx, [sample(hoursAfter(-0.5), 950), sample(hoursAfter(-2), 900)]);
    assert.deepEqual(repo.registerReadings(tx), [950, 1100, 1200, 1300, 1350], 'an hour around the session; readings stamped further off are not found through it');
    db.close();
  });

  it('looks in the buckets whose times overlap: one index seek each, late readings included, re-sends recognised after a restart', () => {
    const dir = tempDir('ampyard-samples-');
    const db = openDatabase(dir);
    const repo = new TransactionsRepo(db);
    const tx = repo.insert({
      stationId: 'S1', evseId: 1, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null, reservationId: null,
      startedAt: at(0), meterStartWh: 0, startKey: null, offline: false, chargingState: null, seqNo: null,
    });
    const later = (minutes: number) => new Date(Date.parse(at(0)) + minutes * 60_000).toISOString();
    // Other chargers' traffic fills several buckets between this session's readings.
    const filler = (from: number) => db.transaction(() => {
      for (let i = 0; i < METER_BUCKET_ROWS; i++) repo.insertSamples(`OTHER-${i % 100}`, 1, null, [sample(later(from + i / METER_BUCKET_ROWS), i)]);
    })();
    repo.insertSamples('S1', 1, tx, [sample(later(1), 100)]);
    filler(2);
    repo.insertSamples('S1', 1, tx, [sample(later(3), 300)]);
    filler(4);
    filler(5);
    // Sent late (a charger back online): stamped minute 2, stored in the newest bucket.
    repo.insertSamples('S1', 1, tx, [sample(later(2), 200)]);
    const buckets = db.prepare('SELECT bucket, min_ts AS min, max_ts AS max FROM meter_value_buckets ORDER BY bucket').all() as Array<{ bucket: number; min: string; max: string }>;
    assert.ok(buckets.length >= 4, `${buckets.length} buckets`);
    assert.equal(buckets.at(-1)!.min, later(2), 'the late reading widened its bucket');
    assert.deepEqual(repo.registerReadings(tx), [100, 200, 300]);
    assert.deepEqual(repo.stationSeries('S1', { limit: 10 }).map((s) => s.value), [100, 200, 300]);
    assert.deepEqual(repo.stationSeries('S1', { from: later(2), to: later(3), limit: 10 }).map((s) => s.value), [200]);
    const exported = new ExportsRepo(db).meterValues({ stationIds: ['S1'], from: later(1.5), to: later(3.5) });
    assert.deepEqual(exported.next(100).map((row) => row[10]), [300, 200], 'an export by time reads the buckets that may hold it, in storage order');

    // A new process: the same readings sent again are recognised in whichever bucket holds them.
    const again = new TransactionsRepo(openDatabase(dir));
    const count = () => db.prepare(`SELECT COUNT(*) FROM meter_values WHERE station_id = 'S1'`).pluck().get();
    again.insertSamples('S1', 1, tx, [sample(later(1), 100), sample(later(3), 300)]);
    again.insertSamples('S1', 1, tx, [sample(later(2), 200)]);
    assert.equal(count(), 3);
    again.insertSamples('S1', 1, tx, [sample(later(2.5), 250)]);
    assert.equal(count(), 4, 'a late reading never stored is new');

    // Each query reads the bucket list by time, then seeks each bucket by station: never the whole table.
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: '', to: '~', station: 'S1' }) as Array<{ detail: string }>).map((p) => p.detail).join(' | ');
    const bucketed = plan(`WITH b(n) AS (${meterBucketsBetween('@from', '@to')}) SELECT m.value FROM b CROSS JOIN meter_values m ON ${meterBucketIs('m', 'b.n')} AND m.station_id = @station`);
    assert.match(bucketed, /meter_value_buckets_by_end \(max_ts>\?\).*meter_values_by_bucket \(<expr>=\? AND station_id=\?\)/);
    db.close();
  });

  it('moves a file indexed by station (before the buckets) to buckets, keeping every sample findable', () => {
    const dir = tempDir('ampyard-samples-');
    let db = openDatabase(dir);
    const repo = new TransactionsRepo(db);
    for (let i = 0; i < 5000; i++) repo.insertSamples(`S${i % 7}`, 1, null, [sample(new Date(Date.parse(at(0)) + i * 1000).toISOString(), i)]);
    // The file as the previous release left it.
    db.exec(`DROP TRIGGER meter.meter_value_bucket_range; DROP TABLE meter.meter_value_buckets; DROP INDEX meter.meter_values_by_bucket;
      CREATE INDEX meter.meter_values_by_station ON meter_values (station_id, evse_id, timestamp, transaction_id)`);
    db.close();
    db = openDatabase(dir);
    const indexes = db.prepare(`SELECT name FROM meter.sqlite_master WHERE type = 'index' AND name LIKE 'meter_value%' ORDER BY name`).pluck().all();
    assert.deepEqual(indexes, ['meter_value_buckets_by_end', 'meter_values_by_bucket', 'meter_values_live']);
    const buckets = db.prepare('SELECT bucket, min_ts, max_ts FROM meter_value_buckets ORDER BY bucket').all();
    const fromRows = db.prepare(`SELECT id / ${METER_BUCKET_ROWS} AS bucket, MIN(timestamp) AS min_ts, MAX(timestamp) AS max_ts FROM meter_values GROUP BY 1 ORDER BY 1`).all();
    assert.deepEqual(buckets, fromRows);
    const moved = new TransactionsRepo(db);
    assert.equal(moved.stationSeries('S3', { limit: 10_000 }).length, 714);
    moved.insertSamples('S3', 1, null, [sample(at(3), 3)]);
    assert.equal(moved.stationSeries('S3', { limit: 10_000 }).length, 714, 'a re-sent reading from before the move is recognised');
    db.close();
  });
});
