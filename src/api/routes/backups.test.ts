import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspectDatabase } from '../../storage/backup.ts';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { parseCommandLine } from '../../config/cli.ts';
import { defaults } from '../../config/config.ts';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('backups API', () => {
  let server: TestServer;
  let operator: ReturnType<typeof withToken>;

  before(async () => {
    server = await startTestServer({ backupKeep: 0 });
    operator = withToken(server, (await createUserWithToken(server, 'otto', 'operator')).token);
  });
  after(() => server.stop());

  it('lists nothing at first, makes a backup on request, lists it and downloads a database that opens', async () => {
    assert.deepEqual(await (await server.api('/backups')).json(), { items: [], total: 0 });
    const made = await server.api('/backups', { method: 'POST' });
    assert.equal(made.status, 201);
    const backup = (await made.json()) as { name: string; kind: string; bytes: number; createdAt: string };
    assert.match(backup.name, /^ampyard-manual-.+\.sqlite$/);
    assert.equal(backup.kind, 'manual');
    assert.ok(backup.bytes > 0);

    const list = (await (await server.api('/backups')).json()) as { items: Array<{ name: string }> };
    assert.deepEqual(list.items.map((b) => b.name), [backup.name]);

    const download = await server.api(`/backups/${backup.name}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="ampyard-manual-/);
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, backup.bytes);
    const copy = join(server.dataDir, 'downloaded.sqlite');
    writeFileSync(copy, bytes);
    assert.ok(inspectDatabase(copy, server.dataDir).schemaVersion >= 15);
  });

  it('lists the daily backups too, and downloads only listed backup files', async () => {
    writeFileSync(join(server.dataDir, 'backups', 'ampyard-2020-01-02.sqlite'), 'x');
    writeFileSync(join(server.dataDir, 'backups', 'notes.txt'), 'not a backup');
    const names = ((await (await server.api('/backups')).json()) as { items: Array<{ name: string; kind: string }> }).items.map((b) => `${b.kind}:${b.name}`);
    assert.ok(names.includes('daily:ampyard-2020-01-02.sqlite'));
    assert.ok(!names.some((n) => n.includes('notes')));
    for (const name of ['notes.txt', '..%2Fampyard.sqlite', 'ampyard-2099-01-01.sqlite']) assert.equal((await server.api(`/backups/${name}`)).status, 404, name);
  });

  it('refuses a body it does not take, making no backup', async () => {
    const count = ((await (await server.api('/backups')).json()) as { total: number }).total;
    const res = await server.api('/backups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    assert.equal(res.status, 400);
    assert.equal(((await (await server.api('/backups')).json()) as { total: number }).total, count);
  });

  it('is for admins only: an operator may neither list, make nor download backups', async () => {
    const [first] = ((await (await server.api('/backups')).json()) as { items: Array<{ name: string }> }).items;
    assert.equal((await operator('/backups')).status, 403);
    assert.equal((await operator('/backups', { method: 'POST' })).status, 403);
    assert.equal((await operator(`/backups/${first!.name}`)).status, 403);
  });

  it('the about route gives version, data directory, uptime and database size to any signed-in user', async () => {
    const about = (await (await operator('/about')).json()) as Record<string, unknown>;
    assert.equal(about['licence'], 'Apache-2.0');
    assert.equal(typeof about['version'], 'string');
    assert.ok((about['databaseBytes'] as number) > 0);
    assert.ok((about['dataDir'] as string).length > 0);
    assert.equal(typeof about['uptimeSeconds'], 'number');
  });
});

describe('manual backup rotation', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ backupKeep: 0, manualBackupKeep: 3 });
  });
  after(() => server.stop());

  const files = () => readdirSync(join(server.dataDir, 'backups')).sort();
  const backUp = async () => {
    const res = await server.api('/backups', { method: 'POST' });
    assert.equal(res.status, 201);
    return ((await res.json()) as { name: string }).name;
  };

  it('keeps the newest N manual backups after each new one, and leaves the daily ones alone', async () => {
    const first = await backUp(); // makes the folder
    const old = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04'].map((day) => `ampyard-manual-${day}T10-00-00-000Z.sqlite`);
    const daily = ['ampyard-2020-01-01.sqlite', 'ampyard-2020-01-02.sqlite', 'ampyard-2020-01-03.sqlite', 'ampyard-2020-01-04.sqlite'];
    for (const name of [...old, ...daily, 'notes.txt']) writeFileSync(join(server.dataDir, 'backups', name), 'x');

    const second = await backUp();
    assert.deepEqual(files(), [...daily, old[3]!, first, second, 'notes.txt'].sort(), 'the new one and the 2 newest others');
    const third = await backUp();
    const fourth = await backUp();
    assert.deepEqual(files(), [...daily, second, third, fourth, 'notes.txt'].sort());
    const listed = ((await (await server.api('/backups')).json()) as { items: Array<{ name: string; kind: string }> }).items;
    assert.deepEqual(listed.filter((b) => b.kind === 'manual').map((b) => b.name).sort(), [second, third, fourth].sort());
    assert.equal(listed.filter((b) => b.kind === 'daily').length, 4, 'daily backups keep their own retention');
  });

  it('keeps 10 by default, set with --manual-backup-keep or AMPYARD_MANUAL_BACKUP_KEEP', () => {
    assert.equal(defaults.manualBackupKeep, 10);
    const flag = parseCommandLine(['--manual-backup-keep', '25'], {});
    assert.equal(flag.kind === 'serve' && flag.config.manualBackupKeep, 25);
    const env = parseCommandLine([], { AMPYARD_MANUAL_BACKUP_KEEP: '4' });
    assert.equal(env.kind === 'serve' && env.config.manualBackupKeep, 4);
    assert.throws(() => parseCommandLine(['--manual-backup-keep', '0'], {}));
  });
});
