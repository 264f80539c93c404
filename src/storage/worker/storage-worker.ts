import { constants as osConstants } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { runMeterValuesThread } from '../meter-values/meter-values-thread.ts';
import type { MessageLogEntry } from '../message-log.ts';
import { CHUNK_AGE_MS, MessageLogStore } from './message-log-store.ts';
import type { FromWorker, StorageWorkerData, ToWorker } from './protocol.ts';

// The storage worker threads' code: SQLite work that must not hold up the event loop. One bundle, two roles:
// the meter-value thread (meter-values-thread.ts) and the storage thread below, which checkpoints the
// appliance database (copying the WAL into the database file and fsyncing both, with SQLite's own
// synchronous=NORMAL ordering) and the meter-value file, and keeps the OCPP message log in a database file of
// its own. Started by StorageWorker and MeterValuesThread.

const data = workerData as StorageWorkerData;
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

function open(file: string): BetterSqlite3.Database {
  if (!data.nativeBindingFile) return new BetterSqlite3(file);
  const addon: { exports: object } = { exports: {} };
  process.dlopen(addon, data.nativeBindingFile, osConstants.dlopen.RTLD_NOW);
  return new BetterSqlite3(file, { nativeBinding: addon.exports } as unknown as BetterSqlite3.Options);
}

/**
 * How often the meter-value file is checkpointed; a page rewritten many times in between is copied once.
 * 1 s instead of 250 ms wrote 10-30 % fewer bytes per message at every bench step (15:17 UTC run, 2026-11-24).
 */
const METER_CHECKPOINT_MS = 1000;
/** 2 KiB pages: about 32 MB of WAL. */
const METER_WAL_RESTART_FRAMES = 16_000;

function runStorageThread(): void {
  const database = open(data.databaseFile);
  database.pragma('busy_timeout = 5000');
  // NORMAL: a checkpoint fsyncs the WAL before it copies pages, and the database file before the WAL may be reused.
  database.pragma('synchronous = NORMAL');
  database.pragma('wal_autocheckpoint = 0');

  // The meter-value file, written by the meter-value thread, is checkpointed here, so that its writer does not
  // wait for the copying. A WAL starts over only when a write begins with all of it copied, which under steady
  // load never happens by chance: once the WAL has grown past METER_WAL_RESTART_FRAMES, the writer is asked to
  // hold its commits (the gate) while the checkpoint copies the last frames, a few milliseconds.
  const meterValues = open(data.meterValuesFile);
  meterValues.pragma('busy_timeout = 5000');
  meterValues.pragma('synchronous = NORMAL');
  meterValues.pragma('wal_autocheckpoint = 0');
  const gate = new Int32Array(data.meterCheckpointGate);
  // Open: a storage thread that stopped while holding it closed (and is now started again) must not stall the writer.
  Atomics.store(gate, 0, 0);
  const checkpointMeterValues = () => (meterValues.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>)[0]!;
  const meterCheckpoints = setInterval(() => {
    attempt('meter-value checkpoint', () => {
      const { log } = checkpointMeterValues();
      if (log < METER_WAL_RESTART_FRAMES) return;
      Atomics.store(gate, 0, 1);
      try {
        // The writer may be inside a commit when the gate closes: at most a few rounds.
        for (let round = 0; round < 5; round++) {
          const done = checkpointMeterValues();
          if (done.checkpointed >= done.log) break;
        }
      } finally {
        Atomics.store(gate, 0, 0);
      }
    });
  }, METER_CHECKPOINT_MS).unref();

  const log = open(data.messageLogFile);
  log.pragma('journal_mode = WAL');
  // Diagnostics, never acknowledged data: a power cut may lose the newest frames, which is acceptable.
  log.pragma('synchronous = OFF');
  const messageLog = new MessageLogStore(log, data.messageLogMaxRows);
  const chunkAging = setInterval(() => attempt('message log', () => messageLog.storeOpenChunks(Date.now() - CHUNK_AGE_MS)), CHUNK_AGE_MS / 4).unref();
  let problemReported = false;

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
        return attempt('message log', () => messageLog.append(message.rows));
      case 'query': {
        let items: MessageLogEntry[] = [];
        attempt('message log', () => (items = messageLog.framesOf(message.stationId, message.beforeId, message.limit)));
        return send({ type: 'rows', id: message.id, items });
      }
      case 'checkpoint':
        let frames = 0;
        attempt('checkpoint', () => (frames = (database.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0));
        return send({ type: 'checkpointed', frames });
      case 'close':
        clearInterval(meterCheckpoints);
        clearInterval(chunkAging);
        attempt('message log', () => messageLog.storeOpenChunks());
        meterValues.close();
        database.close();
        log.close();
        send({ type: 'closed' });
        port.close();
        return;
    }
  });
}

if (data.role === 'meter-values') runMeterValuesThread(data, port, open);
else runStorageThread();
