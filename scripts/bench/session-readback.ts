// What reading a session's stored register readings back costs (TransactionsRepo.registerReadings), as closing
// a session that a restarted station no longer knows does: 5,000 EVSEs with a session each, `--rows` meter
// values spread over the last ten minutes in storage order, then 200 sessions read back. No sockets, no threads.
//
//   node scripts/bench/session-readback.ts [--rows 2000000]
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/storage/database.ts';
import { METER_BUCKET_ROWS } from '../../src/storage/meter-values/meter-values-file.ts';
import { TransactionsRepo } from '../../src/storage/transactions-repo.ts';
import { tempDir } from '../../src/testing/temp-dir.ts';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '2000000' } } });
const rows = Number(args.rows);
const EVSES = 5000;
const dir = tempDir('ampyard-readback-');
const db = openDatabase(dir);
const repo = new TransactionsRepo(db);
const start = Date.now() - 600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const sessions: number[] = [];
for (let s = 0; s < EVSES; s++) {
  sessions.push(repo.insert({
    stationId: `B-${s}`, evseId: 1, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null,
    reservationId: null, startedAt: iso(start), meterStartWh: 0, startKey: null, offline: false, chargingState: null, seqNo: null,
  }));
}
const insert = db.prepare(`INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, unit, value, raw_value)
  VALUES (?, 1, ?, ?, 'Energy.Active.Import.Register', 'Wh', ?, '')`);
db.transaction(() => {
  for (let i = 0; i < rows; i++) insert.run(`B-${i % EVSES}`, sessions[i % EVSES], iso(start + i * (500_000 / rows)), i);
})();

const reads = 200;
let readings = 0;
const begun = performance.now();
for (let k = 0; k < reads; k++) readings += repo.registerReadings(sessions[(k * 7) % EVSES]!).length;
const ms = (performance.now() - begun) / reads;
console.log(`session read-back: ${ms.toFixed(2)} ms per session (${readings / reads} readings each) among ${rows} rows of ${EVSES} EVSEs, ${METER_BUCKET_ROWS}-row buckets`);
console.log(JSON.stringify({ bench: 'session-readback', rows, evses: EVSES, bucketRows: METER_BUCKET_ROWS, msPerSession: Number(ms.toFixed(2)) }));
db.close();
