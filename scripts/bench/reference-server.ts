/**
 * The benchmark's reference (opt-in: npm run bench -- --only reference): the least a CSMS that persists every
 * CALL can do. A bare `ws` server like the baseline, but each CALL is stored as one SQLite row (station,
 * action, payload; indexed by station) and answered only after its group commit is fsynced. No schema
 * validation, no sessions, no log, no events. It shows what durable storage alone costs on this machine,
 * between the baseline (nothing) and Ampyard (everything).
 *
 *   node scripts/bench/reference-server.ts --data-dir DIR [--port 0]     prints "Reference ready on ws://127.0.0.1:<port>/ocpp"
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { WebSocket } from 'ws';
import { minimalAnswer, minimalOcppServer, readCall } from './minimal-answers.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'data-dir': { type: 'string' } } });
if (!values['data-dir']) throw new Error('--data-dir is required');

const db = new BetterSqlite3(join(values['data-dir'], 'reference.sqlite'));
db.pragma('journal_mode = WAL');
// FULL: every COMMIT fsyncs the WAL, so an answered CALL is on disk.
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS calls_by_station ON calls (station_id, id);`);
const insert = db.prepare('INSERT INTO calls (station_id, at, action, payload) VALUES (?, ?, ?, ?)');

interface Pending {
  ws: WebSocket;
  stationId: string;
  action: string;
  payload: string;
  reply: string;
}
let queue: Pending[] = [];
let scheduled = false;
const store = db.transaction((batch: Pending[]) => {
  const at = new Date().toISOString();
  for (const p of batch) insert.run(p.stationId, at, p.action, p.payload);
});
/** Group commit: what arrived within 2 ms goes into one transaction (one fsync); then every CALL in it is answered. */
function commit(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  store(batch);
  for (const p of batch) p.ws.send(p.reply);
}

const wss = minimalOcppServer(values.host, Number(values.port));

wss.on('connection', (ws, request) => {
  const version = ws.protocol;
  const stationId = decodeURIComponent((request.url ?? '').split('/').pop() ?? '');
  ws.on('message', (data, isBinary) => {
    const call = readCall(data, isBinary);
    if (!call) return;
    queue.push({ ws, stationId, action: call.action, payload: JSON.stringify(call.payload ?? null), reply: JSON.stringify([3, call.id, minimalAnswer(version, call.action)]) });
    if (!scheduled) {
      scheduled = true;
      setTimeout(commit, 2);
    }
  });
  ws.on('error', () => {});
});

wss.on('listening', () => {
  const { port } = wss.address() as AddressInfo;
  process.stdout.write(`Reference ready on ws://${values.host}:${port}/ocpp\n`);
});

const stop = () => {
  if (queue.length > 0) commit();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
