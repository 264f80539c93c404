import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createLogger } from '../log/logger.ts';
import { runAmpyard, startChildServer } from '../testing/child-server.ts';
import { RawClient, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer } from '../testing/server.ts';
import { databaseFile, openDatabase } from './database.ts';

const boot16 = { chargePointVendor: 'Disk', chargePointModel: 'Fault' };
const childArgs = ['--accept-unknown', '--allow-profile0', '--tls-port', '0', '--log-level', 'warn', '--backup-keep', '0'];

function startPayload(connectorId: number, meterStart: number) {
  return { connectorId, idTag: `DISK-${connectorId}`, meterStart, timestamp: new Date().toISOString() };
}

function mountWorks(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'ampyard-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const canMount = mountWorks();
const isRoot = process.getuid?.() === 0;

/**
 * Makes `dir` read-only for the appliance: a read-only bind mount where mounting is allowed (root ignores
 * file modes), else file modes (which bind a non-root user). Returns how, and the undo; null when neither works.
 */
function makeReadOnly(dir: string): { how: string; undo(): void } | null {
  if (canMount) {
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir, dir]);
    return { how: 'read-only bind mount', undo: () => execFileSync('umount', ['-l', dir]) };
  }
  if (!isRoot) {
    chmodSync(dir, 0o555);
    return { how: 'chmod 555', undo: () => chmodSync(dir, 0o755) };
  }
  return null;
}

describe('disk and database faults', () => {
  it('a full database refuses new sessions with a CALLERROR instead of acknowledging them, says so clearly, and recovers when space returns', async () => {
    const lines: string[] = [];
    const server = await startTestServer({ acceptUnknownStations: true }, { log: createLogger('info', {}, (line) => lines.push(line) > 0) });
    const { db } = server.appliance.services;
    try {
      const cp = await RawClient.connect(server.wsUrl('CP-FULL'), 'ocpp1.6');
      assert.equal((await cp.call('BootNotification', boot16))[0], 3);

      // No more pages than the file has now: what needs a new page fails with SQLITE_FULL, as on a full disk.
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
      // Meter values are stored in a file of their own by the storage worker; the tmpfs test below fills the disk under them.
      const acknowledged: Array<{ payload: ReturnType<typeof startPayload>; id: number }> = [];
      let refused: ReturnType<typeof startPayload> | undefined;
      for (let c = 1; c <= 200 && !refused; c++) {
        const payload = startPayload(c, c * 10);
        const answer = await cp.call('StartTransaction', payload);
        if (answer[0] === 3) acknowledged.push({ payload, id: (answer[2] as { transactionId: number }).transactionId });
        else refused = payload;
      }
      assert.ok(refused, 'a StartTransaction is refused once nothing more can be stored');
      for (const { id, payload } of acknowledged) {
        assert.equal((db.prepare('SELECT evse_id AS c FROM transactions WHERE id = ?').get(id) as { c: number } | undefined)?.c, payload.connectorId, `acknowledged transaction ${id} is stored`);
      }
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM transactions WHERE evse_id = ?').get(refused.connectorId) as { n: number }).n, 0, 'the refused start is not stored');
      assert.equal((await cp.call('Heartbeat', {}))[0], 3, 'the connection keeps working');
      const health = (await getJson(`${server.baseUrl}/api/v1/health`)).body;
      assert.equal(health.status, 'degraded');
      assert.equal(health.storage.problem, 'disk_full');
      assert.ok(lines.some((l) => /ERROR storage: the disk holding the database is full; chargers' messages are refused/.test(l)), lines.join('\n'));

      // Space returns: the station's retry of the same start is accepted and stored once.
      db.pragma('max_page_count = 1073741823');
      const retry = await cp.call('StartTransaction', refused);
      assert.equal(retry[0], 3, JSON.stringify(retry));
      const id = (retry[2] as { transactionId: number }).transactionId;
      const again = await cp.call('StartTransaction', refused);
      assert.equal((again[2] as { transactionId: number }).transactionId, id, 'repeated start: same id');
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM transactions WHERE evse_id = ?').get(refused.connectorId) as { n: number }).n, 1);
      assert.equal((await getJson(`${server.baseUrl}/api/v1/health`)).body.status, 'ok');
      assert.ok(lines.some((l) => /storage: writes succeed again/.test(l)));
      assert.equal((await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: 'AFTER-FULL' })).status, 201);
      await cp.close();
    } finally {
      await server.stop();
    }
  });

  it('a really full disk (a small tmpfs): the same, with the server as its own process', { skip: canMount ? false : 'mounting a tmpfs needs root with CAP_SYS_ADMIN; the test above covers the logic at the SQLite level' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    let server;
    try {
      server = await startChildServer({ dataDir: dir, args: childArgs });
      const cp = await RawClient.connect(`${server.ocppUrl}/CP-TMPFS`, 'ocpp1.6');
      assert.equal((await cp.call('BootNotification', boot16))[0], 3);
      const first = startPayload(1, 100);
      const firstAnswer = await cp.call('StartTransaction', first);
      assert.equal(firstAnswer[0], 3);

      // Fill the file system to the last byte.
      const filler = join(dir, 'filler');
      const fd = openSync(filler, 'w');
      try {
        for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 1]) {
          const chunk = Buffer.alloc(size, 1);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }

      const acknowledged: number[] = [(firstAnswer[2] as { transactionId: number }).transactionId];
      let refused: ReturnType<typeof startPayload> | undefined;
      for (let c = 2; c <= 100 && !refused; c++) {
        const payload = startPayload(c, c * 10);
        const answer = await cp.call('StartTransaction', payload);
        if (answer[0] === 3) acknowledged.push((answer[2] as { transactionId: number }).transactionId);
        else refused = payload;
      }
      assert.ok(refused, 'a StartTransaction is refused on the full disk');
      const samples = Array.from({ length: 40 }, (_, i) => ({ value: String(1000 + i), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }));
      let meterRefused: unknown[] | undefined;
      for (let i = 0; i < 500 && !meterRefused; i++) {
        const answer = await cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date(Date.now() + i).toISOString(), sampledValue: samples }] });
        if (answer[0] === 4) meterRefused = answer;
      }
      assert.ok(meterRefused, 'meter values are refused on the full disk');
      assert.deepEqual(meterRefused.slice(2, 3), ['InternalError']);
      assert.match(String(meterRefused[3]), /disk holding the database is full/, server.output());
      assert.equal((await cp.call('Heartbeat', {}))[0], 3, 'still up');
      assert.match(server.output(), /storage: the disk holding the database is full/);

      rmSync(filler);
      const retry = await cp.call('StartTransaction', refused);
      assert.equal(retry[0], 3, JSON.stringify(retry));
      const meterAgain = await cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: samples.slice(0, 1) }] });
      assert.equal(meterAgain[0], 3, JSON.stringify(meterAgain));
      acknowledged.push((retry[2] as { transactionId: number }).transactionId);
      await cp.close();
      assert.equal((await server.stop()).code, 0);

      const check = new BetterSqlite3(databaseFile(dir), { readonly: true });
      try {
        for (const id of acknowledged) assert.equal((check.prepare('SELECT COUNT(*) AS n FROM transactions WHERE id = ?').get(id) as { n: number }).n, 1, `transaction ${id}`);
        assert.equal((check.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n, acknowledged.length, 'nothing unacknowledged stored twice');
      } finally {
        check.close();
      }
    } finally {
      await server?.crash();
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a read-only data directory stops the start with one clear line, with or without a database in it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-ro-'));
    const withDb = mkdtempSync(join(tmpdir(), 'ampyard-ro-db-'));
    openDatabase(withDb).close();
    const undo: Array<() => void> = [];
    try {
      for (const target of [dir, withDb]) {
        const readOnly = makeReadOnly(target);
        if (!readOnly) return t.skip('root without permission to mount: file modes do not bind root, and no read-only mount can be made here');
        undo.push(readOnly.undo);
        const { code, stdout, stderr } = await runAmpyard(['--data-dir', target, '--port', '0', '--host', '127.0.0.1', ...childArgs]);
        assert.equal(code, 1, stdout + stderr);
        const errorLines = stderr.trim().split('\n');
        assert.equal(errorLines.length, 1, stderr);
        assert.match(errorLines[0]!, new RegExp(`^ampyard: cannot use data directory ${target} \\((read-only file system|no write permission)\\); make it writable or choose another with --data-dir$`));
        t.diagnostic(`${readOnly.how}: ${errorLines[0]}`);
      }
    } finally {
      for (const u of undo) u();
      rmSync(dir, { recursive: true, force: true });
      rmSync(withDb, { recursive: true, force: true });
    }
  });

  it('a corrupt database stops the start with one clear line naming the newest daily backup, and that backup restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-corrupt-'));
    try {
      const db = openDatabase(dir);
      db.prepare("INSERT INTO settings (key, value) VALUES ('marker', 'from-the-backup')").run();
      db.close();
      mkdirSync(join(dir, 'backups'));
      copyFileSync(databaseFile(dir), join(dir, 'backups', 'ampyard-2025-01-01.sqlite'));
      copyFileSync(databaseFile(dir), join(dir, 'backups', 'ampyard-2025-01-02.sqlite'));
      rmSync(`${databaseFile(dir)}-wal`, { force: true });
      rmSync(`${databaseFile(dir)}-shm`, { force: true });
      writeFileSync(databaseFile(dir), Buffer.alloc(64 * 1024, 0x5a));

      const newest = join(dir, 'backups', 'ampyard-2025-01-02.sqlite');
      const start = await runAmpyard(['--data-dir', dir, '--port', '0', '--host', '127.0.0.1', ...childArgs]);
      assert.equal(start.code, 1);
      const errorLines = start.stderr.trim().split('\n');
      assert.equal(errorLines.length, 1, start.stderr);
      assert.match(errorLines[0]!, /is corrupt \(file is not a database\); restore a backup with: ampyard restore \S+ --data-dir /);
      assert.ok(errorLines[0]!.includes(`ampyard restore ${newest} --data-dir ${dir}`), errorLines[0]);

      const restore = await runAmpyard(['restore', newest, '--data-dir', dir]);
      assert.equal(restore.code, 0, restore.stderr);
      const server = await startChildServer({ dataDir: dir, args: childArgs });
      assert.equal((await server.stop()).code, 0);
      const check = new BetterSqlite3(databaseFile(dir), { readonly: true });
      assert.deepEqual(check.prepare("SELECT value FROM settings WHERE key = 'marker'").get(), { value: 'from-the-backup' });
      check.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
