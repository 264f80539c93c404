/**
 * Export benchmark: a large meter_values table exported through the running server (from source, as a child
 * process), read by an HTTP client in this process. Reports rows/s, MB/s and the server's RSS before and
 * during the export. Not part of `npm test`.
 *
 *   node scripts/bench/export.ts [--rows 20000000] [--format csv|json|ndjson] [--station DEPOT-007] [--keep-data]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openAuthStore } from '../../src/cli/auth-store.ts';
import { defaults } from '../../src/config/config.ts';
import { databaseFile, openDatabase } from '../../src/storage/database.ts';
import { startChildServer } from '../../src/testing/child-server.ts';
import { readProc } from './proc-stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000000' },
    format: { type: 'string', default: 'csv' },
    station: { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const STATIONS = 200;
const EVSES = 2;
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);

const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-export-bench-'));
console.log(`data folder ${dataDir}`);

// A year of depot data in arrival order: every EVSE of every station reports in turn, one sample a round.
const seedStarted = performance.now();
const db = openDatabase(dataDir);
const rounds = Math.ceil(rows / (STATIONS * EVSES));
const perRound = STATIONS * EVSES;
const minutesPerRound = (365 * 24 * 60) / rounds;
const batch = 1_000_000;
for (let first = 0; first < rows; first += batch) {
  const last = Math.min(rows, first + batch) - 1;
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT ${first} UNION ALL SELECT i + 1 FROM n WHERE i < ${last})
    INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, value, raw_value, raw_unit)
    SELECT printf('DEPOT-%03d', i % ${STATIONS}), 1 + (i / ${STATIONS}) % ${EVSES}, NULL,
      strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || CAST((i / ${perRound}) * ${minutesPerRound} * 60 AS INTEGER) || ' seconds'),
      'Energy.Active.Import.Register', NULL, 'Outlet', 'Sample.Periodic', 'Wh', i * 1.5, CAST(i * 1.5 AS TEXT), 'Wh' FROM n`);
  process.stdout.write(`\rseeded ${(last + 1).toLocaleString('en')} rows`);
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const config = { ...defaults, dataDir };
const store = openAuthStore(config);
const user = await store.users.create({ username: 'bench', password: 'bench-password-123', role: 'viewer' });
const token = (await store.tokens.create(user.id, 'export bench')).secret;
store.close();
console.log(`\nseeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s; database ${mb(statSync(databaseFile(dataDir)).size)} MB`);

const server = await startChildServer({ dataDir, args: ['--log-level', 'warn', '--backup-keep', '0'] });
const pid = server.process.pid!;
try {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const heap = async () => {
    const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return `heap ${mb(value('nodejs_heap_size_used_bytes'))}/${mb(value('nodejs_heap_size_total_bytes'))} MB, external ${mb(value('nodejs_external_memory_bytes'))} MB`;
  };
  const heapBefore = await heap();
  const idle = readProc(pid)!;
  const query = new URLSearchParams();
  if (args.format === 'ndjson') query.set('format', 'ndjson');
  if (args.station) query.set('stationId', args.station);
  const path = `/api/v1/exports/meter-values.${args.format === 'csv' ? 'csv' : 'json'}?${query}`;
  let peakRss = idle.rssBytes;
  const sampler = setInterval(() => {
    const sample = readProc(pid);
    if (sample) peakRss = Math.max(peakRss, sample.rssBytes);
  }, 100);
  const started = performance.now();
  const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject));
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (bytes === 0) firstByteMs = performance.now() - started;
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = readProc(pid)!;
  const exported = args.format === 'csv' ? lines - 1 : args.format === 'json' ? lines - 2 : lines;
  console.log(`GET ${path}`);
  console.log(`${exported.toLocaleString('en')} rows, ${mb(bytes)} MB in ${seconds.toFixed(1)} s: ${Math.round(exported / seconds).toLocaleString('en')} rows/s, ${(bytes / 1e6 / seconds).toFixed(0)} MB/s; first byte after ${firstByteMs.toFixed(0)} ms`);
  console.log(`server RSS: ${mb(idle.rssBytes)} MB before, peak ${mb(peakRss)} MB during (sampled every 100 ms), ${mb(after.rssBytes)} MB after; server CPU ${(after.cpuSec - idle.cpuSec).toFixed(1)} s`);
  console.log(`server V8: ${heapBefore} before; ${await heap()} after`);
} finally {
  await server.stop();
  if (!args['keep-data']) rmSync(dataDir, { recursive: true, force: true });
}
