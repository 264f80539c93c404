import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('ID-token CSV import', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    for (const id of ['G0', 'NIGHT']) await server.api('/id-token-groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
    await server.api('/id-tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'OLD-1', label: 'Keep me', groupId: 'G0' }) });
  });
  after(() => server.stop());

  const importCsv = (csv: string, query = '') => server.api(`/id-tokens/import${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  const token = async (t: string) => (await (await server.api(`/id-tokens/${t}`)).json()) as any;

  it('creates and updates tokens; a column left out keeps the old value, an empty cell clears it', async () => {
    const csv = 'token,type,status,expiresAt,groupId\nCARD-1,ISO14443,accepted,2030-01-01T00:00:00Z,NIGHT\n\n"CARD-2",Central,blocked,,\nOLD-1,,,,\n';
    const preview = await importCsv(csv, '?dryRun=true');
    assert.deepEqual(await preview.json(), { dryRun: true, total: 3, created: 2, updated: 1 });
    assert.equal((await server.api('/id-tokens/CARD-1')).status, 404, 'a dry run stores nothing');

    const res = await importCsv(csv);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { dryRun: false, total: 3, created: 2, updated: 1 });
    assert.deepEqual([(await token('CARD-1')).expiresAt, (await token('CARD-1')).groupId], ['2030-01-01T00:00:00.000Z', 'NIGHT']);
    assert.deepEqual([(await token('CARD-2')).type, (await token('CARD-2')).status], ['Central', 'blocked']);
    const old = await token('OLD-1');
    assert.deepEqual([old.label, old.groupId, old.type, old.status], ['Keep me', null, 'ISO14443', 'accepted']);
  });

  it('stores nothing when a line is bad, and reports every problem by line and field', async () => {
    const csv = 'token,type,status,label\nNEW-1,ISO14443,accepted,fine\nNEW-2,Plastic,accepted,bad type\nNEW-3,ISO14443\nNEW-1,,,again\n';
    const res = await importCsv(csv);
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as any;
    assert.equal(error.code, 'validation');
    assert.match(error.message, /3 line\(s\).*nothing was imported/);
    assert.deepEqual(
      error.details.lines.map((l: any) => [l.line, l.field]),
      [[3, 'type'], [4, '(line)'], [5, 'token']],
    );
    assert.equal(error.details.fields[0].field, 'line 3: type');
    assert.equal((await server.api('/id-tokens/NEW-1')).status, 404, 'the good line was not stored either');
  });

  it('refuses a bad header, a broken quote and a body that is not CSV', async () => {
    const problem = async (csv: string) => ((await (await importCsv(csv)).json()) as any).error.details.lines[0];
    assert.deepEqual(await problem('token,colour\nA,red\n'), { line: 1, field: '(header)', message: 'unknown column "colour"; the columns are token, type, status, expiresAt, groupId, label' });
    assert.equal((await problem('label\nx\n')).message, 'has no token column');
    assert.equal((await problem('token\n"A\n')).field, '(file)');
    const json = await server.api('/id-tokens/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 415);
  });

  it('reports a groupId that names no ID-token group on its line, and stores nothing', async () => {
    const csv = 'token,groupId\nGRP-1,NIGHT\nGRP-2,NOPE\nGRP-3,\nGRP-4,ALSO-NOPE\n';
    const res = await importCsv(csv, '?dryRun=true');
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as any;
    assert.equal(error.code, 'validation');
    assert.deepEqual(error.details.lines, [
      { line: 3, field: 'groupId', message: 'names no ID-token group "NOPE"; create it under /api/v1/id-token-groups first' },
      { line: 5, field: 'groupId', message: 'names no ID-token group "ALSO-NOPE"; create it under /api/v1/id-token-groups first' },
    ]);
    assert.deepEqual(error.details.fields.map((f: any) => f.field), ['line 3: groupId', 'line 5: groupId']);
    assert.equal((await importCsv(csv)).status, 400);
    assert.equal((await server.api('/id-tokens/GRP-1')).status, 404, 'the good lines were not stored either');
  });
});
