import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { loadExtractedSqliteBinding } from '../../platform/sea.ts';
import { runBackupThread, type BackupThreadData } from '../backup-thread.ts';
import { CheckpointGate } from '../meter-values/checkpoint-gate.ts';
import { checkpointMeterValues } from '../meter-values/meter-checkpoints.ts';
import { runMeterValuesThread } from '../meter-values/meter-values-thread.ts';
import { forEachLogRow } from '../message-log-rows.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';

// The storage worker threads' code: SQLite work that must not hold up the event loop. One bundle, three roles:
// a backup thread (backup-thread.ts: one backup, then it ends), the meter-value thread (meter-values-thread.ts)
// and the storage thread below, which checkpoints the appliance database (copying the WAL into the database
// file and fsyncing both, with SQLite's own synchronous=NORMAL ordering) and the meter-value file, and keeps the
// OCPP message log in a database file of its own. Started by backupInThread, StorageWorker and MeterValuesThread.

const data = workerData as StorageWorkerData;
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

function open(file: string): BetterSqlite3.Database {
  if (!data.nativeBindingFile) return new BetterSqlite3(file);
  return new BetterSqlite3(file, { nativeBinding: loadExtractedSqliteBinding(data.nativeBindingFile) } as unknown as BetterSqlite3.Options);
}

/**
 * How often the meter-value file is checkpointed; a page rewritten many times in between is copied once.
 * 1 s instead of 250 ms wrote 10-30 % fewer bytes per message at every bench step (15:17 UTC run, 2026-11-24).
 */
const METER_CHECKPOINT_MS = 1000;

function runStorageThread(): void {
  const database = open(data.databaseFile);
  database.pragma('busy_timeout = 5000');
  // NORMAL: a checkpoint fsyncs the WAL before it copies pages, and the database file before the WAL may be reused.
  database.pragma('synchronous = NORMAL');
  database.pragma('wal_autocheckpoint = 0');

  const BUCKET_ROWS = 16_384;

  // The meter-value file, written by the meter-value thread, is checkpointed here (see meter-checkpoints.ts), so
  // that its writer does not wait for the copying.
  const meterValues = open(data.meterValuesFile);
  meterValues.pragma('busy_timeout = 5000');
  meterValues.pragma('synchronous = NORMAL');
  meterValues.pragma('wal_autocheckpoint = 0');
  const gate = new CheckpointGate(data.meterCheckpointGate);
  // Open: a storage thread that stopped while holding it closed (and is now started again) must not stall the writer.
  gate.open();
  const meterCheckpoints = setInterval(() => attempt('meter-value checkpoint', () => checkpointMeterValues(meterValues, gate)), METER_CHECKPOINT_MS).unref();

  const log = open(data.messageLogFile);
  log.pragma('journal_mode = WAL');
  // Diagnostics, never acknowledged data: a power cut may lose the newest frames, which is acceptable.
  log.pragma('synchronous = OFF');
  log.exec(`CREATE TABLE IF NOT EXISTS ocpp_messages (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    at TEXT NOT NULL,
    direction TEXT NOT NULL,
    message_type TEXT NOT NULL,
    message_id TEXT NOT NULL,
    action TEXT,
    payload TEXT NOT NULL
  )`);
  bucketStationIndex();

  /**
   * Frames are found by station through an index on (bucket, station, id), where a bucket is a run of
   * BUCKET_ROWS consecutive ids. Indexed by (station, id) alone, each new frame went to its station's own place in
   * the index: with thousands of stations talking, every frame dirtied a different index page, and the log wrote
   * several times more to disk than the acknowledged database. Within the newest bucket the index is a few hundred
   * pages that every batch reuses. A station's newest frames are read bucket by bucket, newest first.
   */
  function bucketStationIndex(): void {
    const columns = (log.pragma('table_info(ocpp_messages)') as Array<{ name: string }>).map((c) => c.name);
    if (columns.includes('bucket')) return;
    log.transaction(() => {
      log.exec(`ALTER TABLE ocpp_messages ADD COLUMN bucket INTEGER NOT NULL DEFAULT 0`);
      log.exec(`UPDATE ocpp_messages SET bucket = id / ${BUCKET_ROWS}`);
      log.exec(`CREATE INDEX ocpp_messages_by_bucket ON ocpp_messages (bucket, station_id, id);
        DROP INDEX IF EXISTS ocpp_messages_by_station;`);
    })();
  }

  const insert = log.prepare(`INSERT INTO ocpp_messages (id, bucket, station_id, at, direction, message_type, message_id, action, payload)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const trim = log.prepare('DELETE FROM ocpp_messages WHERE id <= ?');
  const byStationInBucket = log.prepare(`SELECT id, station_id AS stationId, at, direction, message_type AS messageType,
    message_id AS messageId, action, payload FROM ocpp_messages WHERE bucket = ? AND station_id = ? AND id < ? ORDER BY id DESC LIMIT ?`);
  const oldestId = log.prepare('SELECT MIN(id) AS id FROM ocpp_messages').pluck();
  // The worker is the log's only writer, so it numbers the frames itself (and so knows each one's bucket).
  let lastId = (log.prepare('SELECT MAX(id) FROM ocpp_messages').pluck().get() as number | null) ?? 0;
  let insertsSinceTrim = 0;
  let problemReported = false;

  const storeLog = log.transaction((batch: Extract<ToWorker, { type: 'log' }>) => {
    forEachLogRow(batch.bytes, batch.length, (stationId, at, direction, messageType, messageId, action, payload) => {
      const id = ++lastId;
      insert.run(id, Math.floor(id / BUCKET_ROWS), stationId, at, direction, messageType, messageId, action, payload);
    });
    insertsSinceTrim += batch.rows;
    // Trimming in large steps deletes whole runs of pages instead of a few rows on every insert.
    if (insertsSinceTrim >= Math.max(1000, data.messageLogMaxRows / 20)) {
      trim.run(lastId - data.messageLogMaxRows);
      insertsSinceTrim = 0;
    }
  });

  type LogRow = Extract<FromWorker, { type: 'rows' }>['items'][number];

  /** A station's frames before `beforeId`, newest first. */
  function framesOf(stationId: string, beforeId: number, limit: number): LogRow[] {
    const out: LogRow[] = [];
    const oldest = oldestId.get() as number | null;
    if (oldest === null) return out;
    const before = Math.min(beforeId, lastId + 1);
    for (let bucket = Math.floor((before - 1) / BUCKET_ROWS); bucket >= Math.floor(oldest / BUCKET_ROWS) && out.length < limit; bucket--) {
      out.push(...(byStationInBucket.all(bucket, stationId, before, limit - out.length) as LogRow[]));
    }
    return out;
  }

  function attempt(what: string, work: () => void): void {
    try {
      work();
      problemReported = false;
    } catch (error) {
      // A full or failing disk: the main thread's writes report it; say it here once.
      if (!problemReported) send({ type: 'problem', message: `${what}: ${(error as Error).message}` });
      problemReported = true;
    }
  }

  send({ type: 'ready' });

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'log':
        return attempt('message log', () => storeLog(message));
      case 'query': {
        let items: LogRow[] = [];
        attempt('message log', () => (items = framesOf(message.stationId, message.beforeId, message.limit)));
        return send({ type: 'rows', id: message.id, items });
      }
      case 'checkpoint':
        let frames = 0;
        attempt('checkpoint', () => (frames = (database.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0));
        return send({ type: 'checkpointed', frames });
      case 'close':
        clearInterval(meterCheckpoints);
        meterValues.close();
        database.close();
        log.close();
        send({ type: 'closed' });
        port.close();
        return;
    }
  });
}

if ((workerData as { role: string }).role === 'backup') void runBackupThread(workerData as BackupThreadData, port);
else if (data.role === 'meter-values') runMeterValuesThread(data, port, open);
else runStorageThread();
