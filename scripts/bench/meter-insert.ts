// What storing one meter value costs (the storage worker's thread, since meter values have a file of their own), without sockets or a load generator: the benchmark's
// insert pattern (10,000 EVSEs reporting in random order, one energy register each, 9 in 10 inside a session,
// commits of 35 values) replayed through the meter-value file's schema and MeterValuesWriter, on a connection
// set up like the storage worker's (but synchronous = OFF and no checkpoints). Unlike the load benchmark its figures repeat within a few percent from run to run.
//
//   node scripts/bench/meter-insert.ts [--values 100000] [--batch 35]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MeterSample } from '../../src/domain/meter.ts';
import { NEW_DATABASE_PAGE_SIZE, openSqlite } from '../../src/storage/database.ts';
import { meterValuesFile, prepareWriterConnection } from '../../src/storage/meter-values/meter-values-file.ts';
import { MeterValuesWriter } from '../../src/storage/meter-values/meter-values-writer.ts';

const { values: args } = parseArgs({ options: { values: { type: 'string', default: '100000' }, batch: { type: 'string', default: '35' } } });
const measured = Number(args.values);
const batch = Number(args.batch);
const EVSES = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'ampyard-meter-insert-'));
// The meter-value file as the storage worker writes it, but without its fsyncs (a disk's speed is not the question).
const db = openSqlite(meterValuesFile(dir), dir);
db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
prepareWriterConnection(db);
db.pragma('synchronous = OFF');
db.pragma('wal_autocheckpoint = 0');
const writer = new MeterValuesWriter(db);
const pageSize = db.pragma('page_size', { simple: true }) as number;
const wal = `${db.name}-wal`;

const stationOf = (evse: number) => `BENCH-${String(evse >> 1).padStart(5, '0')}`;
// 9 in 10 EVSEs in a session (its id stands for a transaction's).
const sessions = new Map<number, number>();
for (let evse = 0; evse < EVSES; evse++) if (evse % 10 !== 0) sessions.set(evse, evse + 1);
const start = Date.parse('2026-11-24T00:00:00.000Z');

let round = 0;
let position = 0;
let order = shuffled();
function shuffled(): number[] {
  const evses = Array.from({ length: EVSES }, (_, i) => i);
  for (let i = evses.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [evses[i], evses[j]] = [evses[j]!, evses[i]!];
  }
  return evses;
}
function nextValue(): { evse: number; sample: MeterSample } {
  if (position === EVSES) {
    position = 0;
    round++;
    order = shuffled();
  }
  const evse = order[position++]!;
  const wh = 1000 + round * 10;
  const timestamp = new Date(start + round * 1000 + evse / 10).toISOString();
  return { evse, sample: { timestamp, measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: 'Sample.Periodic', unit: 'Wh', value: wh, rawValue: String(wh), rawUnit: null, signedData: null } };
}
function store(count: number): number {
  const begun = performance.now();
  for (let done = 0; done < count; done += batch) {
    db.transaction(() => {
      for (let i = 0; i < batch; i++) {
        const { evse, sample } = nextValue();
        writer.insert(stationOf(evse), (evse & 1) + 1, sessions.get(evse) ?? null, [sample]);
      }
    })();
  }
  return performance.now() - begun;
}

// Warm up to a few values per EVSE and a WAL that starts over, as on a site that has been running.
store(300_000);
db.pragma('wal_checkpoint(TRUNCATE)');
const walBefore = statSync(wal).size;
const ms = store(measured);
const frames = (statSync(wal).size - walBefore) / (pageSize + 24);
const perValue = {
  cpuMicroseconds: Number(((ms * 1000) / measured).toFixed(1)),
  walFrames: Number((frames / measured).toFixed(2)),
  walBytes: Math.round((frames * (pageSize + 24)) / measured),
};
console.log(`meter-value inserts: ${measured} values in commits of ${batch}, ${EVSES} EVSEs, ${pageSize}-byte pages`);
console.log(`  per stored value: ${perValue.cpuMicroseconds} µs of CPU, ${perValue.walFrames} WAL frames, ${perValue.walBytes} bytes of WAL`);
console.log(JSON.stringify({ bench: 'meter-insert', values: measured, batch, evses: EVSES, pageSize, perValue }));
db.close();
rmSync(dir, { recursive: true, force: true });
