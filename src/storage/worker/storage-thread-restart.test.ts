import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { openDatabase } from '../database.ts';
import { MESSAGE_LOG_FILE, MessageLog } from '../message-log.ts';
import { meterValuesFile } from '../meter-values/meter-values-file.ts';
import { StorageWorker } from './storage-worker-client.ts';
import { GATE_BYTES } from '../meter-values/checkpoint-gate.ts';

const frame = (n: number) => ({
  stationId: 'CP-1', at: new Date(Date.UTC(2026, 10, 24, 8, 0, 0, n)).toISOString(), direction: 'in' as const, messageType: 'CALL',
  messageId: `m${n}`, action: 'Heartbeat', payload: `[2,"m${n}","Heartbeat",{}]`,
});

it('the storage thread is started again when it stops unexpectedly: checkpoints and the message log resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ampyard-storage-restart-'));
  openDatabase(dir).close();
  const problems: string[] = [];
  const worker = new StorageWorker({
    databaseFile: join(dir, 'ampyard.sqlite'), messageLogFile: join(dir, MESSAGE_LOG_FILE), messageLogMaxRows: 1000,
    meterValuesFile: meterValuesFile(dir), meterCheckpointGate: new SharedArrayBuffer(GATE_BYTES),
  }, (problem) => problems.push(problem));
  const log = new MessageLog(worker);
  try {
    await worker.ready;
    log.append(frame(1));
    assert.deepEqual((await log.forStation('CP-1', 10)).map((e) => e.messageId), ['m1']);

    const checkpointing = worker.checkpoint();
    await (worker as unknown as { thread: { worker: Worker } }).thread.worker.terminate();
    assert.equal(await checkpointing, 0, 'a checkpoint the thread could not finish says so');
    assert.equal(await worker.checkpoint(), 0, 'no checkpoint while the thread is down');
    assert.ok(problems.some((p) => /storage thread stopped; starting it again/.test(p)), problems.join('; '));

    const deadline = Date.now() + 10_000;
    while (!problems.some((p) => /storage thread started again/.test(p))) {
      assert.ok(Date.now() < deadline, `not started again: ${problems.join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Something in the appliance database's WAL for the checkpoint to copy.
    const db = openDatabase(dir);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE scratch (x); INSERT INTO scratch VALUES (1)');
    assert.ok((await worker.checkpoint()) > 0, 'checkpoints run again');
    db.close();
    log.append(frame(2));
    assert.deepEqual((await log.forStation('CP-1', 10)).map((e) => e.messageId), ['m2', 'm1'], 'the log goes on in the same file');
  } finally {
    await log.close();
  }
  rmSync(dir, { recursive: true, force: true });
});
