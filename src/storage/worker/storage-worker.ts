import { constants as osConstants } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { LOG_FIELDS, type FromWorker, type StorageWorkerData, type ToWorker } from './protocol.ts';

// The storage worker thread: SQLite work that must not hold up the event loop. It checkpoints the appliance
// database (copying the WAL into the database file and fsyncing both, with SQLite's own synchronous=NORMAL
// ordering) and keeps the OCPP message log in a database file of its own. Started by StorageWorker.

const data = workerData as StorageWorkerData;
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

function open(file: string): BetterSqlite3.Database {
  if (!data.nativeBindingFile) return new BetterSqlite3(file);
  const addon: { exports: object } = { exports: {} };
  process.dlopen(addon, data.nativeBindingFile, osConstants.dlopen.RTLD_NOW);
  return new BetterSqlite3(file, { nativeBinding: addon.exports } as unknown as BetterSqlite3.Options);
}

const database = open(data.databaseFile);
database.pragma('busy_timeout = 5000');
// NORMAL: a checkpoint fsyncs the WAL before it copies pages, and the database file before the WAL may be reused.
database.pragma('synchronous = NORMAL');
database.pragma('wal_autocheckpoint = 0');

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
);
CREATE INDEX IF NOT EXISTS ocpp_messages_by_station ON ocpp_messages (station_id, id);`);
const insert = log.prepare(`INSERT INTO ocpp_messages (station_id, at, direction, message_type, message_id, action, payload) VALUES (?, ?, ?, ?, ?, ?, ?)`);
const trim = log.prepare('DELETE FROM ocpp_messages WHERE id <= (SELECT MAX(id) FROM ocpp_messages) - ?');
const byStation = log.prepare(`SELECT id, station_id AS stationId, at, direction, message_type AS messageType,
  message_id AS messageId, action, payload FROM ocpp_messages WHERE station_id = ? AND id < ? ORDER BY id DESC LIMIT ?`);
let insertsSinceTrim = 0;
let problemReported = false;

const storeLog = log.transaction((rows: Array<string | null>) => {
  for (let i = 0; i < rows.length; i += LOG_FIELDS) insert.run(rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4], rows[i + 5], rows[i + 6]);
  insertsSinceTrim += rows.length / LOG_FIELDS;
  // Trimming in large steps deletes whole runs of pages instead of a few rows on every insert.
  if (insertsSinceTrim >= Math.max(1000, data.messageLogMaxRows / 20)) {
    trim.run(data.messageLogMaxRows);
    insertsSinceTrim = 0;
  }
});

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

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'log':
      return attempt('message log', () => storeLog(message.rows));
    case 'query': {
      let items: ReturnType<typeof byStation.all> = [];
      attempt('message log', () => (items = byStation.all(message.stationId, message.beforeId, message.limit)));
      return send({ type: 'rows', id: message.id, items: items as Extract<FromWorker, { type: 'rows' }>['items'] });
    }
    case 'checkpoint':
      let frames = 0;
      attempt('checkpoint', () => (frames = (database.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0));
      return send({ type: 'checkpointed', frames });
    case 'close':
      database.close();
      log.close();
      send({ type: 'closed' });
      port.close();
      return;
  }
});
