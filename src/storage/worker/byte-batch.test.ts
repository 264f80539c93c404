import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MeterSample } from '../../domain/meter.ts';
import { prng, testSeed } from '../../testing/prng.ts';
import { decodeWrites, encodeWrite, writeRoom } from '../meter-values/encoded-writes.ts';
import { ByteBatchReader, ByteBatchWriter, NUMBER_ROOM, stringRoom } from './byte-batch.ts';

const random = prng(testSeed(7));
const alphabet = ['a', 'Z', '0', '"', '\\', ' ', 'é', 'ß', '€', '中', '😀', '\n', '\u0000'];
const text = (max: number) => Array.from({ length: random.int(0, max) }, () => random.pick(alphabet)).join('');
const maybe = <T>(value: T): T | null => (random.chance(0.2) ? null : value);
const aNumber = () => random.pick([0, -0.5, 1e-9, 123456.789, Number.MAX_SAFE_INTEGER, -1e300, random.int(-1e6, 1e6) / 7]);

type Item = Array<string | number | null>;

describe('byte batches', () => {
  it('carry strings and numbers exactly, null included, whatever the characters', () => {
    const sent: Item[] = [];
    const received: Item[] = [];
    // Each item: a string, a number, a long string, a number or null; items of 4 values.
    const drain = () => {
      const batch = writer.take();
      if (!batch) return;
      const r = new ByteBatchReader(batch.bytes, batch.length);
      let items = 0;
      for (; !r.done; items++) received.push([r.string(), r.number(), r.string(), r.number()]);
      assert.equal(items, batch.count);
    };
    const writer = new ByteBatchWriter(16 * 1024, drain);
    for (let n = 0; n < 3000; n++) {
      const item: Item = [maybe(text(40)), aNumber(), maybe(text(2000)), maybe(aNumber())];
      writer.reserve(stringRoom(item[0] as string | null) + NUMBER_ROOM + stringRoom(item[2] as string | null) + NUMBER_ROOM);
      writer.string(item[0] as string | null);
      writer.number(item[1] as number);
      writer.string(item[2] as string | null);
      writer.number(item[3] as number | null);
      writer.count++;
      sent.push(item);
    }
    drain();
    assert.equal(received.length, sent.length);
    assert.deepEqual(received, sent);
  });

  it('give an item larger than a batch a batch of its own, handing the open one over first', () => {
    const handed: string[] = [];
    const writer = new ByteBatchWriter(1024, () => {
      const batch = writer.take()!;
      handed.push(new ByteBatchReader(batch.bytes, batch.length).string()!);
    });
    writer.reserve(stringRoom('small'));
    writer.string('small');
    writer.count++;
    const huge = '€'.repeat(400_000);
    assert.equal(writer.has(stringRoom(huge)), false);
    writer.reserve(stringRoom(huge));
    assert.deepEqual(handed, ['small']);
    writer.string(huge);
    writer.count++;
    const second = writer.take()!;
    assert.equal(new ByteBatchReader(second.bytes, second.length).string(), huge);
    assert.equal(writer.take(), undefined, 'nothing left');
  });

  it('refuse to overfill a batch when onFull does not take it', () => {
    const writer = new ByteBatchWriter(1024, () => undefined);
    writer.reserve(stringRoom('small'));
    writer.string('small');
    writer.count++;
    assert.throws(() => writer.reserve(stringRoom('€'.repeat(400_000))), /full/);
  });

  it('carry meter-value writes to the meter-value thread as they were made', () => {
    const sample = (): MeterSample => ({
      timestamp: new Date(Date.UTC(2026, 10, 25) + random.int(0, 1e9)).toISOString(), measurand: random.pick(['Energy.Active.Import.Register', 'Current.Import', 'SoC']),
      phase: maybe(random.pick(['L1', 'L2', 'L3'])), location: maybe('Outlet'), context: maybe('Sample.Periodic'), unit: maybe(random.pick(['Wh', 'A', 'Percent'])),
      value: maybe(aNumber()), rawValue: text(12), rawUnit: maybe('kWh'), signedData: maybe(text(300)),
    });
    const sent: ReturnType<typeof decodeWrites> = [];
    const received: ReturnType<typeof decodeWrites> = [];
    const drain = () => {
      const batch = writer.take();
      if (batch) received.push(...decodeWrites(batch.bytes, batch.length));
    };
    const writer = new ByteBatchWriter(4 * 1024, drain);
    for (let id = 1; id <= 2000; id++) {
      const write = { id, stationId: `CP-${text(8)}`, evseId: random.int(0, 4), transactionId: maybe(random.int(1, 1e6)), samples: Array.from({ length: random.int(0, 6) }, sample) };
      writer.reserve(writeRoom(write.stationId, write.samples));
      encodeWrite(writer, write.id, write.stationId, write.evseId, write.transactionId, write.samples);
      writer.count++;
      sent.push(write);
    }
    drain();
    assert.deepEqual(received, sent);
  });
});
