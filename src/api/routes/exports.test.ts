import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normaliseSample } from '../../domain/meter.ts';
import type { StationStart } from '../../domain/transactions.ts';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { eventually } from '../../testing/raw-client.ts';
import { exportStream } from '../export-formats.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

/** A strict RFC 4180 reader: the test's own, so that the export is checked against the standard, not itself. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
      if (text[i] === '\n') throw new Error(`bare LF at ${i}: records end with CRLF`);
    }
    if (text[i] === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`CR without LF at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    }
  }
  if (field !== '' || row.length) throw new Error('last record does not end with CRLF');
  return rows;
}

const TRICKY = 'A,"b"\nc\r\nü€😀';
const start = (over: Partial<StationStart>): StationStart => ({
  evseId: 1, connectorId: 1, idToken: null, idTokenType: 'ISO14443', groupId: null, authStatus: 'accepted', meterStartWh: 1000,
  timestamp: '2025-01-10T08:00:00.000Z', reservationId: null, stationTxId: null, startKey: null, offline: false, ...over,
});
const sample = (timestamp: string, value: string, measurand = 'Energy.Active.Import.Register', unit = 'Wh') => normaliseSample({ timestamp, value, measurand, unit });

describe('exports: sessions and meter values as CSV, JSON and NDJSON', () => {
  let server: TestServer;
  const ids: number[] = [];

  before(async () => {
    server = await startTestServer();
    const { transactions } = server.appliance.services;
    const a = await transactions.start('CP-1', start({ idToken: TRICKY, timestamp: '2025-01-10T08:00:00.000Z' }));
    await transactions.recordMeterValues('CP-1', 1, a.transaction.id, [sample('2025-01-10T08:15:00.000Z', '1.5', 'Energy.Active.Import.Register', 'kWh'), sample('2025-01-10T08:15:00.000Z', '7400', 'Power.Active.Import', 'W')]);
    await transactions.recordMeterValues('CP-1', 1, a.transaction.id, [sample('2025-01-10T09:00:00.000Z', '9000')]);
    await transactions.stop(a.transaction.id, { meterStopWh: 9000, timestamp: '2025-01-10T09:00:00.000Z', reason: 'EVDisconnected', idToken: null });
    const b = await transactions.start('CP-2', start({ idToken: 'plain', evseId: 2, timestamp: '2025-02-10T08:00:00.000Z' }));
    await transactions.recordMeterValues('CP-2', 2, b.transaction.id, [sample('2025-02-10T08:30:00.000Z', '3000')]);
    await transactions.stop(b.transaction.id, { meterStopWh: 3000, timestamp: '2025-02-10T10:00:00.000Z', reason: 'Local', idToken: null });
    const c = await transactions.start('CP-1', start({ idToken: '=HYPERLINK("x")', timestamp: '2025-03-01T08:00:00.000Z' }));
    // A clock-aligned value on another EVSE, outside any session.
    await transactions.recordMeterValues('CP-1', 2, null, [sample('2025-03-01T08:05:00.000Z', '42')]);
    ids.push(a.transaction.id, b.transaction.id, c.transaction.id);
  });
  after(() => server.stop());

  const text = async (path: string) => {
    const res = await server.api(path);
    return { res, body: await res.text() };
  };

  it('sessions.csv: RFC 4180 (CRLF, quoted commas, quotes, line breaks, UTF-8), a header, sessions by start time', async () => {
    const { res, body } = await text('/exports/sessions.csv');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8; header=present');
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="ampyard-sessions_start_\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parseCsv(body);
    assert.deepEqual(rows[0], ['id', 'stationId', 'evseId', 'connectorId', 'stationTxId', 'status', 'startedAt', 'endedAt', 'durationSeconds', 'idToken', 'idTokenType', 'groupId', 'authStatus', 'stopIdToken', 'reservationId', 'meterStartWh', 'meterStopWh', 'energyWh', 'stopReason', 'endedBy', 'offline']);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), ids);
    const first = Object.fromEntries(rows[0]!.map((name, i) => [name, rows[1]![i]]));
    assert.equal(first['idToken'], TRICKY);
    assert.equal(first['stationId'], 'CP-1');
    assert.equal(first['durationSeconds'], '3600');
    assert.equal(first['energyWh'], '8000');
    assert.equal(first['endedAt'], '2025-01-10T09:00:00.000Z');
    assert.equal(first['offline'], 'false');
    assert.equal(first['reservationId'], '', 'NULL is an empty field');
    // The exact bytes of the tricky field: quoted, quotes doubled, CR LF and non-ASCII kept as they are.
    assert.ok(body.includes(',"A,""b""\nc\r\nü€😀",'), body);
    const active = Object.fromEntries(rows[0]!.map((name, i) => [name, rows[3]![i]]));
    assert.equal(active['status'], 'active');
    assert.equal(active['idToken'], '=HYPERLINK("x")', 'plain CSV keeps the data as it is');
    assert.equal(active['durationSeconds'], '');
  });

  it('?excel=true adds a UTF-8 byte order mark and defuses cells a spreadsheet would run as formulas', async () => {
    const res = await server.api('/exports/sessions.csv?excel=true');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
    assert.equal(rows[3]![9], `'=HYPERLINK("x")`);
    assert.equal(rows[1]![9], TRICKY);
  });

  it('sessions.json: one array of typed objects; ?format=ndjson: one object per line', async () => {
    const { res, body } = await text('/exports/sessions.json');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match(res.headers.get('content-disposition')!, /\.json"/);
    const items = JSON.parse(body) as Record<string, unknown>[];
    assert.equal(items.length, 3);
    assert.deepEqual(
      { idToken: items[0]!['idToken'], energyWh: items[0]!['energyWh'], offline: items[0]!['offline'], reservationId: items[0]!['reservationId'], evseId: items[1]!['evseId'] },
      { idToken: TRICKY, energyWh: 8000, offline: false, reservationId: null, evseId: 2 },
    );
    const nd = await text('/exports/sessions.json?format=ndjson');
    assert.equal(nd.res.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
    assert.match(nd.res.headers.get('content-disposition')!, /\.ndjson"/);
    const lines = nd.body.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), items);
  });

  it('sessions: filters by station (one or several), id token (any case), status and start time [from, to)', async () => {
    const count = async (query: string) => ((await (await server.api(`/exports/sessions.json?${query}`)).json()) as { id: number }[]).map((s) => s.id);
    assert.deepEqual(await count('stationId=CP-1'), [ids[0], ids[2]]);
    assert.deepEqual(await count('stationId=CP-1&stationId=CP-2'), ids);
    assert.deepEqual(await count('idToken=PLAIN'), [ids[1]]);
    assert.deepEqual(await count(`idToken=${encodeURIComponent(TRICKY)}`), [ids[0]]);
    assert.deepEqual(await count('status=active'), [ids[2]]);
    assert.deepEqual(await count('from=2025-02-01&to=2025-03-01T08:00:00Z'), [ids[1]]);
    assert.deepEqual(await count('from=2025-02-10T08:00:00Z'), [ids[1], ids[2]]);
    assert.deepEqual(await count('stationId=nobody'), []);
    const res = await server.api('/exports/sessions.csv?stationId=CP-2&from=2025-02-01&to=2025-03-01');
    assert.match(res.headers.get('content-disposition')!, /filename="ampyard-sessions_CP-2_2025-02-01_2025-03-01\.csv"/);
    await res.body?.cancel();
  });

  it('an empty export is a header only (CSV), [] (JSON) or nothing (NDJSON)', async () => {
    assert.equal((await text('/exports/sessions.csv?stationId=nobody')).body.split('\r\n').length, 2);
    assert.deepEqual(JSON.parse((await text('/exports/meter-values.json?stationId=nobody')).body), []);
    assert.equal((await text('/exports/meter-values.json?stationId=nobody&format=ndjson')).body, '');
  });

  it('meter-values: normalised and raw values, in storage order; every filter', async () => {
    const { body } = await text('/exports/meter-values.csv');
    const rows = parseCsv(body);
    assert.deepEqual(rows[0], ['id', 'stationId', 'evseId', 'transactionId', 'timestamp', 'measurand', 'phase', 'location', 'context', 'unit', 'value', 'rawValue', 'rawUnit', 'signedData']);
    const described = (r: string[]) => `${r[1]}/${r[2]} ${r[4]} ${r[5]}=${r[10]}${r[9]}`;
    assert.deepEqual(rows.slice(1).map(described), [
      'CP-1/1 2025-01-10T08:15:00.000Z Energy.Active.Import.Register=1500Wh',
      'CP-1/1 2025-01-10T08:15:00.000Z Power.Active.Import=7400W',
      'CP-1/1 2025-01-10T09:00:00.000Z Energy.Active.Import.Register=9000Wh',
      'CP-2/2 2025-02-10T08:30:00.000Z Energy.Active.Import.Register=3000Wh',
      'CP-1/2 2025-03-01T08:05:00.000Z Energy.Active.Import.Register=42Wh',
    ]);
    assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), rows.slice(1).map((r) => Number(r[0])).sort((a, b) => a - b));
    assert.deepEqual([rows[1]![11], rows[1]![12]], ['1.5', 'kWh'], 'the station\'s own value and unit');
    const byStation = parseCsv((await text('/exports/meter-values.csv?stationId=CP-2&stationId=CP-1')).body);
    assert.deepEqual(byStation.slice(1).map(described), rows.slice(1).map(described), 'both stations named: all rows, in the same order');
    const values = async (query: string) => ((await (await server.api(`/exports/meter-values.json?${query}`)).json()) as { value: number; transactionId: number | null }[]).map((v) => v.value);
    assert.deepEqual(await values('stationId=CP-2'), [3000]);
    assert.deepEqual(await values('stationId=CP-1&evseId=2'), [42]);
    assert.deepEqual(await values(`transactionId=${ids[0]}`), [1500, 7400, 9000]);
    assert.deepEqual(await values('idToken=Plain'), [3000]);
    assert.deepEqual(await values('from=2025-01-10T08:30:00Z&to=2025-03-01'), [9000, 3000]);
    const json = (await (await server.api('/exports/meter-values.json?evseId=2&stationId=CP-1')).json()) as Record<string, unknown>[];
    assert.deepEqual(json[0], { id: json[0]!['id'], stationId: 'CP-1', evseId: 2, transactionId: null, timestamp: '2025-03-01T08:05:00.000Z', measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: null, unit: 'Wh', value: 42, rawValue: '42', rawUnit: 'Wh', signedData: null });
  });

  it('refuses bad filters with field errors, and a vehicle filter while there are no fleet vehicles', async () => {
    const problem = async (path: string) => {
      const res = await server.api(path);
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { error: { code: string; details: { fields: { field: string }[] } } };
      assert.equal(body.error.code, 'validation');
      return body.error.details.fields.map((f) => f.field);
    };
    assert.deepEqual(await problem('/exports/sessions.csv?from=yesterday'), ['from']);
    assert.deepEqual(await problem('/exports/sessions.csv?from=2025-02-01&to=2025-01-01'), ['to']);
    assert.deepEqual(await problem('/exports/sessions.csv?station=CP-1'), ['station']);
    assert.deepEqual(await problem('/exports/sessions.json?vehicleId=VAN-7'), ['vehicleId']);
    assert.deepEqual(await problem('/exports/meter-values.csv?vehicle=VAN-7'), ['vehicle']);
    assert.deepEqual(await problem('/exports/sessions.json?format=xml'), ['format']);
    assert.deepEqual(await problem('/exports/sessions.csv?format=ndjson'), ['format']);
    assert.deepEqual(await problem('/exports/sessions.json?excel=true'), ['excel']);
    assert.deepEqual(await problem('/exports/sessions.csv?status=paused'), ['status']);
    assert.deepEqual(await problem('/exports/meter-values.csv?evseId=x'), ['evseId']);
    assert.deepEqual(await problem('/exports/meter-values.csv?status=active'), ['status']);
    assert.equal((await server.api('/exports/sessions.xml')).status, 404);
  });

  it('HEAD answers the headers without starting an export; an export nobody reads lets go of its snapshot', async () => {
    const head = await server.api('/exports/meter-values.csv?stationId=CP-1', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-disposition')!, /ampyard-meter-values_CP-1_start_/);
    assert.equal(server.appliance.services.exports.active, 0);

    const { exports } = server.appliance.services;
    let stalled = false;
    const stream = exportStream(exports.sessions({}), 'csv', { stallMs: 50, onStall: () => (stalled = true) });
    assert.equal(exports.active, 1);
    await eventually(() => stalled, 2000, 'the stall timeout');
    assert.equal(exports.active, 0);
    await assert.rejects(stream.getReader().read(), /stopped reading/);
  });

  it('any signed-in user may export (viewer); without a login: 401', async () => {
    const viewer = await createUserWithToken(server, 'export-viewer', 'viewer');
    const res = await withToken(server, viewer.token)('/exports/sessions.csv');
    assert.equal(res.status, 200);
    assert.equal(parseCsv(await res.text()).length, 4);
    assert.equal((await fetch(`${server.baseUrl}/api/v1/exports/meter-values.csv`)).status, 401);
  });
});
