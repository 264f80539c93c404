import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const ROWS = 1_000_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Meter rows straight into the test server's SQLite file, in one statement: 200 stations × 2 EVSEs, one
 * sample a minute each, generated in index order so that the seeding is quick.
 */
function seedMeterValues(server: TestServer, rows: number): void {
  const perEvse = Math.ceil(rows / 400);
  server.appliance.services.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, value, raw_value, raw_unit)
    SELECT printf('DEPOT-%03d', i / ${perEvse * 2}), 1 + (i / ${perEvse}) % 2, NULL,
      strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i % ${perEvse}) || ' minutes'),
      'Energy.Active.Import.Register', NULL, 'Outlet', 'Sample.Periodic', 'Wh', i * 1.5, CAST(i * 1.5 AS TEXT), 'Wh' FROM n`);
}

describe('exports stream: memory stays flat however large the export', () => {
  let server: TestServer;
  before(async (t) => {
    server = await startTestServer();
    const started = performance.now();
    seedMeterValues(server, ROWS);
    (t as unknown as { diagnostic?: (m: string) => void }).diagnostic?.(`seeded ${ROWS} rows in ${Math.round(performance.now() - started)} ms`);
  });
  after(() => server.stop());

  it(`exports ${ROWS.toLocaleString('en')} meter rows as CSV with the heap growing by far less than the export's size`, async (t) => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    // Live heap: measured right after a full collection, so garbage not yet collected does not count, and
    // anything the export kept (a leak, rows piling up) does.
    let peak = baseline;
    let peakWithGarbage = baseline;
    const started = performance.now();
    // node:http rather than fetch: the client shares this process, and its web streams would cost more than the server.
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${server.baseUrl}/api/v1/exports/meter-values.csv`, { headers: { authorization: `Bearer ${server.token}` } }, resolve).on('error', reject),
    );
    assert.equal(res.statusCode, 200);
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    for await (const value of res as AsyncIterable<Buffer>) {
      bytes += value.byteLength;
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++;
      if (++chunks % 16 === 0) peakWithGarbage = Math.max(peakWithGarbage, process.memoryUsage().heapUsed);
      if (chunks % 256 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = peak - baseline;
    t.diagnostic(`${ROWS} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(2)} s (${Math.round(ROWS / seconds).toLocaleString('en')} rows/s, client in the same process); ` +
      `live heap growth ${(growth / 1e6).toFixed(1)} MB, heap with garbage up to +${((peakWithGarbage - baseline) / 1e6).toFixed(1)} MB`);
    assert.equal(lines, ROWS + 1);
    assert.ok(bytes > 100e6, `the export is ${bytes} bytes`);
    assert.ok(chunks >= 256, 'the live heap was sampled');
    assert.ok(growth < 16e6, `live heap grew by ${growth} bytes while streaming ${bytes} bytes`);
    assert.equal(server.appliance.services.exports.active, 0);
  });

  it('a client that goes away ends the export and frees its database snapshot', async () => {
    const res = await server.api('/exports/meter-values.json');
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(server.appliance.services.exports.active, 1);
    await reader.cancel();
    await eventually(() => server.appliance.services.exports.active === 0, 5000, 'the export to be released');
  });

  it('at most four exports at a time; the fifth gets 429 with Retry-After', async () => {
    const open = await Promise.all([1, 2, 3, 4].map(() => server.api('/exports/meter-values.csv')));
    const readers = open.map((res) => res.body!.getReader());
    await Promise.all(readers.map((r) => r.read()));
    const fifth = await server.api('/exports/sessions.csv');
    assert.equal(fifth.status, 429);
    assert.equal(fifth.headers.get('retry-after'), '10');
    assert.equal(((await fifth.json()) as { error: { code: string } }).error.code, 'too_many_exports');
    await Promise.all(readers.map((r) => r.cancel()));
    await eventually(() => server.appliance.services.exports.active === 0, 5000, 'the exports to be released');
    assert.equal((await server.api('/exports/sessions.csv')).status, 200);
  });

  it('while an export streams, chargers\' writes go on (the export reads its own snapshot)', async () => {
    const res = await server.api('/exports/meter-values.csv?stationId=DEPOT-007');
    const reader = res.body!.getReader();
    await reader.read();
    const { transactions } = server.appliance.services;
    const before = Date.now();
    await transactions.recordMeterValues('DEPOT-007', 1, null, [{ timestamp: '2026-01-01T00:00:00.000Z', measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: null, unit: 'Wh', value: 1, rawValue: '1', rawUnit: 'Wh', signedData: null }]);
    assert.ok(Date.now() - before < 1000, 'the write was not held up by the export');
    let rest = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
    }
    assert.ok(!rest.includes('2026-01-01'), 'the export shows the database as it was when it began');
  });
});
