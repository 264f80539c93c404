import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { MeterSample } from '../../domain/meter.ts';
import { openDatabase } from '../database.ts';
import { MESSAGE_LOG_FILE } from '../message-log.ts';
import { StorageUnavailableError } from '../storage-health.ts';
import { StorageWorker } from '../worker/storage-worker-client.ts';
import { MeterValuesThread } from './meter-values-client.ts';
import { METER_WAL_LIMIT_BYTES, meterValuesFile } from './meter-values-file.ts';
import { GATE_BYTES } from './checkpoint-gate.ts';

const sample = (timestamp: string, value: number): MeterSample => ({
  timestamp, measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: 'Sample.Periodic', unit: 'Wh',
  value, rawValue: String(value), rawUnit: null, signedData: null,
});

function threads(dataDir: string) {
  openDatabase(dataDir).close();
  const files = {
    databaseFile: join(dataDir, 'ampyard.sqlite'), messageLogFile: join(dataDir, MESSAGE_LOG_FILE), messageLogMaxRows: 1000,
    meterValuesFile: meterValuesFile(dataDir), meterCheckpointGate: new SharedArrayBuffer(GATE_BYTES),
  };
  const problems: string[] = [];
  return { meter: new MeterValuesThread(files, (p) => problems.push(p)), storage: new StorageWorker(files, (p) => problems.push(p)), problems };
}

const countRows = (dataDir: string) => {
  const db = new BetterSqlite3(meterValuesFile(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM meter_values').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('meter-value thread', () => {
  it('stores every write it acknowledges once (repeats recognised), refuses a bad write alone, and keeps its WAL bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-meter-thread-'));
    const { meter, storage, problems } = threads(dir);
    try {
      await Promise.all([meter.ready, storage.ready]);
      const start = Date.parse('2026-11-24T00:00:00.000Z');
      const at = (n: number) => new Date(start + n * 1000).toISOString();
      // 200 EVSEs, 100 readings each, sent in bursts like a busy site; every tenth reading is sent twice.
      let acknowledged = 0;
      for (let round = 0; round < 100; round++) {
        const writes: Array<Promise<void>> = [];
        for (let evse = 0; evse < 200; evse++) {
          const samples = [sample(at(round), round * 10)];
          writes.push(meter.storeSamples(`CP-${evse}`, 1, evse, samples).then(() => void acknowledged++));
          if (round % 10 === 0) writes.push(meter.storeSamples(`CP-${evse}`, 1, evse, samples));
        }
        // One broken write (no raw value) in the middle of a batch.
        const broken = meter.storeSamples('CP-BAD', 1, null, [{ ...sample(at(round), 1), rawValue: undefined as unknown as string }]);
        await assert.rejects(broken, (error: Error) => !(error instanceof StorageUnavailableError) && /raw_value|NOT NULL/i.test(error.message));
        await Promise.all(writes);
      }
      assert.equal(acknowledged, 20_000);
      assert.equal(countRows(dir), 20_000, 'each acknowledged reading once; repeats and the broken writes not stored');
      // The burst grew the WAL past its limit. The storage thread checkpoints the file every second; the next
      // write then starts the WAL over and cuts the file back.
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      await meter.storeSamples('CP-AFTER', 1, null, [sample(at(0), 1)]);
      const walBytes = statSync(`${meterValuesFile(dir)}-wal`).size;
      assert.ok(walBytes <= METER_WAL_LIMIT_BYTES, `WAL of ${walBytes} bytes`);
      assert.deepEqual(problems, []);
    } finally {
      await meter.close();
      await storage.close();
    }
    // Closing stored everything that was handed over before it.
    const again = threads(dir);
    await again.meter.ready;
    const last = again.meter.storeSamples('CP-LAST', 2, null, [sample('2026-11-25T00:00:00.000Z', 5)]);
    await again.meter.close();
    await last;
    await again.storage.close();
    assert.equal(countRows(dir), 20_002);
    await assert.rejects(again.meter.storeSamples('CP-LAST', 2, null, [sample('2026-11-25T00:00:01.000Z', 6)]), StorageUnavailableError, 'a closed thread refuses');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is started again when it stops unexpectedly: meanwhile writes are refused, and what a charger re-sends is stored once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-meter-restart-'));
    const { meter, storage, problems } = threads(dir);
    const stored: Array<string | undefined> = [];
    meter.onStored((failure) => stored.push(failure?.problem));
    try {
      await Promise.all([meter.ready, storage.ready]);
      const at = (n: number) => new Date(Date.parse('2026-11-24T00:00:00.000Z') + n * 1000).toISOString();
      const write = (n: number) => meter.storeSamples(`CP-${n}`, 1, null, [sample(at(n), n)]);
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => {
        const w = write(n);
        // The thread dies with writes in flight: none of them may be acknowledged unless it was stored.
        if (n === 25) void (meter as unknown as { thread: { worker: Worker } }).thread.worker.terminate();
        return w;
      }));
      const refused = outcomes.flatMap((o, n) => (o.status === 'rejected' ? [n] : []));
      assert.ok(refused.length > 0, 'writes in flight when the thread died are refused');
      for (const n of refused) assert.ok((outcomes[n] as PromiseRejectedResult).reason instanceof StorageUnavailableError);
      await assert.rejects(write(99), StorageUnavailableError, 'refused while the thread is down');
      assert.ok(problems.some((p) => /stopped; starting it again/.test(p)), problems.join('; '));
      assert.ok(stored.includes('io_error'), 'the storage health hears of it');

      // The chargers send the refused readings again once the thread is back.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const again = await Promise.allSettled(refused.map(write));
        if (again.every((o) => o.status === 'fulfilled')) break;
        assert.ok(Date.now() < deadline, 'the thread was not started again');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(problems.some((p) => /started again/.test(p)), problems.join('; '));
      assert.equal(countRows(dir), 50, 'every reading once, whether it was stored before the thread died or sent again');
    } finally {
      await meter.close();
      await storage.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
