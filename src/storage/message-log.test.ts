import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from './database.ts';
import { MESSAGE_LOG_FILE, MessageLog } from './message-log.ts';
import { meterValuesFile } from './meter-values/meter-values-file.ts';
import { StorageWorker } from './worker/storage-worker-client.ts';

function startLog(dataDir: string, maxRows: number): MessageLog {
  openDatabase(dataDir).close();
  const files = { databaseFile: join(dataDir, 'ampyard.sqlite'), messageLogFile: join(dataDir, MESSAGE_LOG_FILE), meterValuesFile: meterValuesFile(dataDir), meterCheckpointGate: new SharedArrayBuffer(4) };
  const worker = new StorageWorker({ ...files, messageLogMaxRows: maxRows }, (problem) => {
    throw new Error(problem);
  });
  return new MessageLog(worker);
}

const AT = Date.UTC(2026, 10, 24, 8, 0, 0);
function appendFrame(log: MessageLog, stationId: string, n: number): void {
  log.append(stationId, { direction: 'in', messageType: 'CALL', messageId: `m${n}`, action: 'Heartbeat' }, `[2,"m${n}","Heartbeat",{}]`, AT + n);
}

describe('OCPP message log', () => {
  it('finds a station’s frames newest first across many chunks, pages with beforeId, and trims the oldest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-log-'));
    const log = startLog(dir, 60_000);
    // Three stations; QUIET talks once every 997 frames, so each of its chunks spans thousands of ids.
    const expected = new Map<string, string[]>([['BUSY-A', []], ['BUSY-B', []], ['QUIET', []]]);
    for (let n = 0; n < 70_000; n++) {
      const stationId = n % 997 === 0 ? 'QUIET' : n % 2 === 0 ? 'BUSY-A' : 'BUSY-B';
      appendFrame(log, stationId, n);
      expected.get(stationId)!.push(`m${n}`);
    }
    const newestA = await log.forStation('BUSY-A', 5);
    assert.deepEqual(newestA.map((e) => e.messageId), expected.get('BUSY-A')!.slice(-5).reverse());
    assert.deepEqual(newestA[0], {
      id: 70_000 - 1, stationId: 'BUSY-A', at: new Date(AT + 69_998).toISOString(), direction: 'in', messageType: 'CALL', messageId: 'm69998',
      action: 'Heartbeat', payload: '[2,"m69998","Heartbeat",{}]',
    }, 'every field comes back');
    // 70,000 frames (frame n has id n + 1), about the newest 60,000 kept: trimming goes in steps of 3,000 and
    // removes a chunk only once its newest frame is old enough.
    const busy = await log.forStation('BUSY-B', 70_000);
    const oldestBusy = Number(busy.at(-1)!.messageId.slice(1));
    assert.ok(oldestBusy >= 7_000 - 32 && oldestBusy < 10_000, `oldest BUSY-B frame kept: ${oldestBusy}`);
    assert.deepEqual(busy.map((e) => e.messageId), expected.get('BUSY-B')!.filter((id) => Number(id.slice(1)) >= oldestBusy).reverse(), 'every kept frame, in order');
    const quiet = await log.forStation('QUIET', 1000);
    const oldestQuiet = Number(quiet.at(-1)!.messageId.slice(1));
    assert.ok(oldestQuiet < 10_000 + 997, `oldest QUIET frame kept: ${oldestQuiet}`);
    assert.deepEqual(quiet.map((e) => e.messageId), expected.get('QUIET')!.filter((id) => Number(id.slice(1)) >= oldestQuiet).reverse());
    // Paging: the next page starts below the last id seen, without gaps or repeats, also inside a chunk.
    for (const [station, frames] of [['QUIET', quiet], ['BUSY-B', busy]] as const) {
      for (const from of [9, 10, 17]) {
        const page = await log.forStation(station, 10, frames[from]!.id);
        assert.deepEqual(page.map((e) => e.messageId), frames.slice(from + 1, from + 11).map((e) => e.messageId), `${station} from ${from}`);
      }
    }
    assert.deepEqual(await log.forStation('NOBODY', 10), []);
    await log.close();
  });

  it('keeps what it holds in memory when it closes, and goes on numbering after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-log-'));
    let log = startLog(dir, 10_000);
    for (let n = 0; n < 5; n++) appendFrame(log, n % 2 ? 'CP-ODD' : 'CP-EVEN', n);
    const report = `[2,"r1","NotifyReport",{"reportData":"${'x'.repeat(40_000)}"}]`;
    for (const messageId of ['r1', 'r2']) log.append('CP-BIG', { direction: 'in', messageType: 'CALL', messageId, action: 'NotifyReport' }, report);
    await log.close();
    log = startLog(dir, 10_000);
    try {
      appendFrame(log, 'CP-ODD', 5);
      assert.deepEqual((await log.forStation('CP-ODD', 10)).map((e) => [e.id, e.messageId]), [[8, 'm5'], [4, 'm3'], [2, 'm1']]);
      assert.deepEqual((await log.forStation('CP-EVEN', 10)).map((e) => e.messageId), ['m4', 'm2', 'm0']);
      assert.deepEqual((await log.forStation('CP-BIG', 10)).map((e) => [e.id, e.messageId, e.payload]), [[7, 'r2', report], [6, 'r1', report]]);
    } finally {
      await log.close();
    }
  });

  for (const layout of ['a per-station index', 'the bucketed index'] as const) {
    it(`upgrades a log kept a row a frame (${layout}) into chunks, keeping its frames and ids`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ampyard-log-'));
      const old = new BetterSqlite3(join(dir, MESSAGE_LOG_FILE));
      old.pragma('journal_mode = WAL');
      old.exec(`CREATE TABLE ocpp_messages (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, at TEXT NOT NULL, direction TEXT NOT NULL,
        message_type TEXT NOT NULL, message_id TEXT NOT NULL, action TEXT, payload TEXT NOT NULL);
        CREATE INDEX ocpp_messages_by_station ON ocpp_messages (station_id, id);`);
      if (layout === 'the bucketed index') {
        old.exec(`ALTER TABLE ocpp_messages ADD COLUMN bucket INTEGER NOT NULL DEFAULT 0; DROP INDEX ocpp_messages_by_station;
          CREATE INDEX ocpp_messages_by_bucket ON ocpp_messages (bucket, station_id, id);`);
      }
      const insert = old.prepare('INSERT INTO ocpp_messages (station_id, at, direction, message_type, message_id, action, payload) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (let n = 0; n < 20_000; n++) insert.run(n % 3 === 0 ? 'OLD-1' : 'OLD-2', '2026-11-01T00:00:00.000Z', n % 2 ? 'out' : 'in', 'CALL', `old${n}`, n === 3 ? null : 'Heartbeat', `[${n}]`);
      old.close();

      const log = startLog(dir, 200_000);
      appendFrame(log, 'OLD-1', 1);
      const frames = await log.forStation('OLD-1', 3);
      assert.deepEqual(frames.map((e) => [e.id, e.messageId]), [[20_001, 'm1'], [19_999, 'old19998'], [19_996, 'old19995']]);
      assert.equal((await log.forStation('OLD-1', 20_000)).length, 6_667 + 1, 'every old frame of the station');
      assert.deepEqual((await log.forStation('OLD-1', 1, 5))[0], {
        id: 4, stationId: 'OLD-1', at: '2026-11-01T00:00:00.000Z', direction: 'out', messageType: 'CALL', messageId: 'old3', action: null, payload: '[3]',
      });
      await log.close();
      const check = new BetterSqlite3(join(dir, MESSAGE_LOG_FILE), { readonly: true });
      const objects = (check.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
      assert.deepEqual(objects, ['ocpp_message_chunks', 'ocpp_message_chunks_by_station'], 'the row-a-frame table and its index are gone');
      check.close();
    });
  }
});
