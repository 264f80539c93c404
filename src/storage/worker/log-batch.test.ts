import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng, testSeed } from '../../testing/prng.ts';
import { LOG_FIELDS, LogBatchWriter, readLogBatch } from './log-batch.ts';

type Row = Array<string | null>;

function roundTrip(writer: LogBatchWriter): Row[] {
  const batch = writer.take();
  if (!batch) return [];
  const rows: Row[] = [];
  readLogBatch(batch.bytes, batch.length, (fields) => rows.push([...fields]));
  assert.equal(rows.length, batch.rows);
  return rows;
}

describe('message-log batches', () => {
  it('carry every field exactly, null included, whatever the characters', () => {
    const random = prng(testSeed(7));
    const alphabet = ['a', 'Z', '0', '"', '\\', ' ', 'é', 'ß', '€', '中', '😀', '\n', '\u0000'];
    const text = (max: number) => Array.from({ length: random.int(0, max) }, () => random.pick(alphabet)).join('');
    const writer = new LogBatchWriter();
    const sent: Row[] = [];
    const received: Row[] = [];
    for (let n = 0; n < 3000; n++) {
      const row: Row = Array.from({ length: LOG_FIELDS }, (_, f) => (random.chance(0.15) ? null : text(f === 6 ? 2000 : 40)));
      if (writer.rows > 0 && !writer.fits(row)) received.push(...roundTrip(writer));
      writer.add(row);
      sent.push(row);
    }
    received.push(...roundTrip(writer));
    assert.deepEqual(received, sent);
  });

  it('gives a row larger than a batch a batch of its own', () => {
    const writer = new LogBatchWriter();
    const small: Row = ['CP-1', '2026-11-25T00:00:00.000Z', 'in', 'CALL', 'm1', 'Heartbeat', '[2,"m1","Heartbeat",{}]'];
    writer.add(small);
    const huge: Row = ['CP-1', '2026-11-25T00:00:00.001Z', 'in', 'CALL', 'm2', null, '€'.repeat(400_000)];
    assert.equal(writer.fits(huge), false);
    assert.throws(() => writer.add(huge), /full/);
    assert.deepEqual(roundTrip(writer), [small]);
    writer.add(huge);
    assert.deepEqual(roundTrip(writer), [huge]);
    assert.equal(writer.take(), undefined, 'nothing left');
  });
});
