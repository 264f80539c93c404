import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from './database.ts';
import { MESSAGE_LOG_FILE, MessageLog } from './message-log.ts';
import { meterValuesFile } from './meter-values/meter-values-file.ts';
import { StorageWorker } from './worker/storage-worker-client.ts';
import { GATE_BYTES } from './meter-values/checkpoint-gate.ts';
import { tempDir } from '../testing/temp-dir.ts';

function startLog(dataDir: string, maxRows: number): MessageLog {
  openDatabase(dataDir).close();
  const files = { databaseFile: join(dataDir, 'ampyard.sqlite'), messageLogFile: join(dataDir, MESSAGE_LOG_FILE), meterValuesFile: meterValuesFile(dataDir), meterCheckpointGate: new SharedArrayBuffer(GATE_BYTES) };
  const worker = new StorageWorker({ ...files, messageLogMaxRows: maxRows }, (problem) => {
    throw new Error(problem);
  });
  return new MessageLog(worker);
}

const frame = (stationId: string, n: number) => ({
  stationId, at: new Date(Date.UTC(2026, 10, 24, 8, 0, 0, n)).toISOString(), direction: 'in' as const, messageType: 'CALL', messageId: `m${n}`, action: 'Heartbeat', payload: `[2,"m${n}","Heartbeat",{}]`,
});

describe('OCPP message log', () => {
  it('finds a station’s frames newest first across many buckets of ids, pages with beforeId, and trims the oldest', async () => {
    const dir = tempDir('ampyard-log-');
    const log = startLog(dir, 60_000);
    // Three stations; QUIET talks once every 997 frames, so its frames sit far apart in several buckets.
    const expected = new Map<string, string[]>([['BUSY-A', []], ['BUSY-B', []], ['QUIET', []]]);
    for (let n = 0; n < 70_000; n++) {
      const stationId = n % 997 === 0 ? 'QUIET' : n % 2 === 0 ? 'BUSY-A' : 'BUSY-B';
      log.append(frame(stationId, n));
      expected.get(stationId)!.push(`m${n}`);
    }
    const newestA = await log.forStation('BUSY-A', 5);
    assert.deepEqual(newestA.map((e) => e.messageId), expected.get('BUSY-A')!.slice(-5).reverse());
    const quiet = await log.forStation('QUIET', 1000);
    // 70,000 frames (frame n has id n + 1), at least the newest 60,000 kept: trimming goes in steps of 3,000.
    const oldestKept = Number(quiet.at(-1)!.messageId.slice(1));
    assert.ok(oldestKept >= 7_000 && oldestKept < 10_000 + 997, `oldest QUIET frame kept: ${oldestKept}`);
    assert.deepEqual(quiet.map((e) => e.messageId), expected.get('QUIET')!.filter((id) => Number(id.slice(1)) >= oldestKept).reverse(), 'every kept frame, in order');
    // Paging: the next page starts below the last id seen, without gaps or repeats.
    const page2 = await log.forStation('QUIET', 10, quiet[9]!.id);
    assert.deepEqual(page2.map((e) => e.messageId), quiet.slice(10, 20).map((e) => e.messageId));
    assert.deepEqual(await log.forStation('NOBODY', 10), []);
    await log.close();
  });

  it('upgrades a log written with the per-station index, keeping its frames', async () => {
    const dir = tempDir('ampyard-log-');
    const old = new BetterSqlite3(join(dir, MESSAGE_LOG_FILE));
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE ocpp_messages (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, at TEXT NOT NULL, direction TEXT NOT NULL,
      message_type TEXT NOT NULL, message_id TEXT NOT NULL, action TEXT, payload TEXT NOT NULL);
      CREATE INDEX ocpp_messages_by_station ON ocpp_messages (station_id, id);`);
    const insert = old.prepare('INSERT INTO ocpp_messages (station_id, at, direction, message_type, message_id, action, payload) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let n = 0; n < 20_000; n++) insert.run(n % 3 === 0 ? 'OLD-1' : 'OLD-2', '2026-11-01T00:00:00.000Z', 'in', 'CALL', `old${n}`, 'Heartbeat', '[]');
    old.close();

    const log = startLog(dir, 200_000);
    log.append(frame('OLD-1', 1));
    const frames = await log.forStation('OLD-1', 3);
    assert.deepEqual(frames.map((e) => [e.id, e.messageId]), [[20_001, 'm1'], [19_999, 'old19998'], [19_996, 'old19995']]);
    await log.close();
    const check = new BetterSqlite3(join(dir, MESSAGE_LOG_FILE), { readonly: true });
    const indexes = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ocpp_messages'").all() as Array<{ name: string }>).map((r) => r.name);
    assert.deepEqual(indexes, ['ocpp_messages_by_bucket']);
    check.close();
  });
});
