import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MeterSample } from '../domain/meter.ts';
import { openDatabase } from './database.ts';
import { TransactionsRepo } from './transactions-repo.ts';

const sample = (timestamp: string, value: number, extra: Partial<MeterSample> = {}): MeterSample => ({
  timestamp, measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: null, unit: 'Wh', value, rawValue: String(value), rawUnit: null, signedData: null, ...extra,
});
const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 8, 0, second)).toISOString();

describe('meter samples are stored once', () => {
  it('skips re-sent readings, keeps late but new ones and same-time readings that differ, also after a restart and a rolled-back write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-samples-'));
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
});
