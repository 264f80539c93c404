import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { MeterSample } from '../../domain/meter.ts';
import { openDatabase } from '../database.ts';
import { MESSAGE_LOG_FILE } from '../message-log.ts';
import { CheckpointGate, GATE_BYTES } from './checkpoint-gate.ts';
import { checkpointMeterValues } from './meter-checkpoints.ts';
import { MeterValuesThread } from './meter-values-client.ts';
import { meterValuesFile } from './meter-values-file.ts';

const sample = (timestamp: string, value: number): MeterSample => ({
  timestamp, measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: 'Sample.Periodic', unit: 'Wh',
  value, rawValue: String(value), rawUnit: null, signedData: null,
});

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over. */
function walGeneration(file: string): number {
  const header = Buffer.alloc(16);
  const fd = openSync(`${file}-wal`, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

describe('meter-value checkpoints', () => {
  it('start the WAL over while the meter-value thread keeps committing, every time the writer is held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-meter-ckpt-'));
    openDatabase(dir).close();
    const files = {
      databaseFile: join(dir, 'ampyard.sqlite'), messageLogFile: join(dir, MESSAGE_LOG_FILE), messageLogMaxRows: 1000,
      meterValuesFile: meterValuesFile(dir), meterCheckpointGate: new SharedArrayBuffer(GATE_BYTES),
    };
    const problems: string[] = [];
    // The writer, as in the appliance; the checkpoints are run here instead of by the storage thread.
    const meter = new MeterValuesThread(files, (p) => problems.push(p));
    const checkpointer = new BetterSqlite3(files.meterValuesFile);
    checkpointer.pragma('synchronous = NORMAL');
    const gate = new CheckpointGate(files.meterCheckpointGate);
    let writing = true;
    let written = 0;
    try {
      await meter.ready;
      // 300 EVSEs writing without pause: a commit is under way or about to begin at any moment.
      const writers = Array.from({ length: 300 }, async (_, evse) => {
        for (let n = 0; writing; n++) {
          await meter.storeSamples(`CP-${evse}`, 1, null, [sample(new Date(Date.parse('2026-11-25T00:00:00.000Z') + n * 1000).toISOString(), n)]);
          written++;
        }
      });
      let held = 0;
      let restarted = 0;
      const deadline = Date.now() + 20_000;
      while (held < 15 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const generation = walGeneration(files.meterValuesFile);
        const done = checkpointMeterValues(checkpointer, gate, 300);
        if (!done.held) continue;
        held++;
        // The writer's next commit finds the whole WAL copied and starts it over. A commit holds at most one
        // write per EVSE, so 301 more acknowledgements include one from a commit begun after the hold.
        const before = written;
        while (written <= before + 300) await new Promise((resolve) => setTimeout(resolve, 1));
        if (walGeneration(files.meterValuesFile) !== generation) restarted++;
      }
      assert.ok(held >= 15, `the writer was held ${held} times in 20 s`);
      assert.equal(restarted, held, 'the WAL started over after every hold');
      writing = false;
      await Promise.all(writers);
      assert.deepEqual(problems, []);
    } finally {
      writing = false;
      checkpointer.close();
      await meter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
