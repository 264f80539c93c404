import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MeterSample } from '../domain/meter.ts';
import { openDatabase } from './database.ts';
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
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT value FROM meter_values WHERE station_id = 'S1' AND evse_id = 1 AND timestamp >= '' AND timestamp <= '~' AND transaction_id = 1`).all() as Array<{ detail: string }>;
    assert.match(plan.map((p) => p.detail).join(' '), /meter_values_by_station \(station_id=\? AND evse_id=\? AND timestamp>\? AND timestamp<\?\)/);
    db.close();
  });
});
