import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SimStation } from '../../scripts/sim/station.ts';
import { restoreTool } from '../cli/restore-tool.ts';
import type { Subcommand } from '../cli/subcommands.ts';
import { defaults } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';
import { runAmpyard, startChildServer } from '../testing/child-server.ts';
import { startTestServer } from '../testing/server.ts';
import { BackupError } from './backup.ts';
import { backupInThread } from './backup-thread.ts';
import { DailyBackups } from './daily-backups.ts';
import { meterValuesFile } from './meter-values/meter-values-file.ts';
import { databaseFile, openDatabase } from './database.ts';

const childArgs = ['--accept-unknown', '--allow-profile0', '--tls-port', '0', '--log-level', 'warn', '--max-messages-per-minute', '1000000'];
const scratch = mkdtempSync(join(tmpdir(), 'ampyard-backup-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A tool run in this process, for the cases that need no second process. */
async function runInProcess(tool: Subcommand, args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _encoding, done) => (append(String(chunk)), done()) });
  const code = await tool.run(args, { ...defaults, dataDir }, { stdin: process.stdin, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), env: {} });
  return { code, stdout, stderr };
}

const count = (file: string, sql: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('ampyard backup and restore', () => {
  it('backs up a running appliance under load, refuses to restore while it runs, restores after it stops and keeps the previous database', async (t) => {
    const dataDir = join(scratch, 'live');
    const server = await startChildServer({ dataDir, args: childArgs });
    const station = new SimStation({ url: server.ocppUrl, id: 'CP-BACKUP', version: '1.6', connectors: 1 });
    let writing = true;
    let acknowledged = 0;
    let failures = 0;
    try {
      await station.connect();
      await station.boot();
      const load = (async () => {
        for (let wh = 1; writing; wh++) {
          await station.meterValues(1, wh).then(
            () => acknowledged++,
            () => failures++,
          );
        }
      })();
      while (acknowledged < 200) await new Promise((r) => setTimeout(r, 20));

      const file = join(scratch, 'live-backup.sqlite');
      const backup = await runAmpyard(['backup', file, '--data-dir', dataDir]);
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, /^backup written to \S+ \(\d+\.\d MiB, schema version \d+, 1 station\(s\), 0 transaction\(s\)\) in \d+ ms\n$/);
      const atBackup = acknowledged;
      while (acknowledged < atBackup + 100) await new Promise((r) => setTimeout(r, 20));
      writing = false;
      await load;
      assert.equal(failures, 0, 'the appliance kept answering while the backup ran');
      assert.deepEqual(readdirSync(scratch).filter((f) => f.startsWith('live-backup')), ['live-backup.sqlite'], 'one self-contained file');
      const backedUp = count(file, 'SELECT COUNT(*) AS n FROM meter_values');
      assert.ok(backedUp >= 200 && backedUp <= atBackup + 5, `the backup holds the ${backedUp} meter values stored when it was taken`);
      const check = new BetterSqlite3(file, { readonly: true });
      assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(check.pragma('journal_mode', { simple: true }), 'delete');
      check.close();

      const again = await runAmpyard(['backup', file, '--data-dir', dataDir]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^ampyard: backup failed: \S+ already exists; choose a new file name\n$/);

      const refused = await runAmpyard(['restore', file, '--data-dir', dataDir]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`^ampyard: restore refused: Ampyard \\(pid ${server.process.pid}\\) is running on ${dataDir}; stop it first, then restore\\n$`));

      await station.close();
      assert.equal((await server.stop()).code, 0);
      const before = count(meterValuesFile(dataDir), 'SELECT COUNT(*) AS n FROM meter_values');
      assert.ok(before > backedUp);
      const restored = await runAmpyard(['restore', file, '--data-dir', dataDir]);
      assert.equal(restored.code, 0, restored.stderr);
      const previous = /the previous database is kept as (\S+)\n/.exec(restored.stdout)?.[1];
      assert.ok(previous && existsSync(previous), restored.stdout);
      assert.match(previous, /ampyard-before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.sqlite$/);
      const previousMeterValues = previous.replace('ampyard-before-restore-', 'meter-values-before-restore-');
      assert.equal(count(previousMeterValues, 'SELECT COUNT(*) AS n FROM meter_values'), before, 'the previous meter values are kept whole');
      assert.equal(count(meterValuesFile(dataDir), 'SELECT COUNT(*) AS n FROM meter_values'), backedUp, 'the backup\'s meter values are back in their file');

      const restarted = await startChildServer({ dataDir, args: childArgs });
      assert.equal((await restarted.stop()).code, 0);
      t.diagnostic(JSON.stringify({ meterValuesAtBackup: backedUp, afterwards: before }));
    } finally {
      writing = false;
      await station.destroy();
      await server.crash();
    }
  });

  it('restore refuses what is not an Ampyard database of this version or older, and leaves the database alone', async () => {
    const dataDir = join(scratch, 'refuse');
    const db = openDatabase(dataDir);
    db.prepare("INSERT INTO settings (key, value) VALUES ('marker', 'original')").run();
    db.close();
    const text = join(scratch, 'not-a-database.sqlite');
    writeFileSync(text, 'just text, not SQLite '.repeat(100));
    const foreign = join(scratch, 'foreign.sqlite');
    new BetterSqlite3(foreign).exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);').close();
    const newer = join(scratch, 'newer.sqlite');
    const future = openDatabase(join(scratch, 'future'));
    future.prepare("INSERT INTO schema_migrations VALUES (9999, 'from-the-future', 'x')").run();
    await future.backup(newer);
    future.close();

    const cases: Array<[string, RegExp]> = [
      [text, /is not an SQLite database or is damaged/],
      [foreign, /is an SQLite database but not an Ampyard one/],
      [newer, /was written by a newer Ampyard \(schema version 9999; this one knows up to \d+\)/],
      [join(scratch, 'missing.sqlite'), /does not exist/],
    ];
    for (const [file, reason] of cases) {
      const result = await runInProcess(restoreTool, [file], dataDir);
      assert.equal(result.code, 1, `${file}: ${result.stdout}`);
      assert.match(result.stderr, /^ampyard: restore failed: /);
      assert.match(result.stderr, reason);
    }
    const check = new BetterSqlite3(databaseFile(dataDir), { readonly: true });
    assert.deepEqual(check.prepare("SELECT value FROM settings WHERE key = 'marker'").get(), { value: 'original' });
    check.close();
    assert.deepEqual(readdirSync(dataDir).filter((f) => f.includes('before-restore')), []);
  });

  it('one appliance per data directory: a second start is refused while the first runs, and allowed after', async () => {
    const first = await startTestServer();
    try {
      await assert.rejects(startTestServer({ dataDir: first.dataDir }), /another Ampyard \(pid \d+\) is using the data directory/);
      const second = await runAmpyard(['--data-dir', first.dataDir, '--port', '0', ...childArgs]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`^ampyard: another Ampyard \\(pid ${process.pid}\\) is using the data directory ${first.dataDir}; stop it first, or choose another --data-dir\\n$`));
    } finally {
      await first.appliance.close();
    }
    const again = await startTestServer({ dataDir: first.dataDir });
    await again.stop();
    rmSync(first.dataDir, { recursive: true, force: true });
  });
});

describe('daily backups', () => {
  it('writes one backup a day into <data>/backups, keeps the newest N, and makes the first shortly after start', async () => {
    const lines: string[] = [];
    const server = await startTestServer({ backupKeep: 3 }, { log: createLogger('info', {}, (l) => lines.push(l) > 0) });
    try {
      assert.ok(server.appliance.backups instanceof DailyBackups, 'the appliance runs the daily backups');
      const { db } = server.appliance.services;
      const backups = new DailyBackups(db, createLogger('silent'), { dataDir: server.dataDir, keep: 3 });
      for (let day = 1; day <= 5; day++) {
        await backups.runIfDue(new Date(2025, 0, day, 12));
        await backups.runIfDue(new Date(2025, 0, day, 18)); // same day: nothing more
      }
      assert.deepEqual(backups.list().map((b) => b.day), ['2025-01-05', '2025-01-04', '2025-01-03']);
      const newest = backups.list()[0]!.file;
      assert.ok(count(newest, 'SELECT COUNT(*) AS n FROM schema_migrations') > 0);
      const copy = new BetterSqlite3(newest, { readonly: true });
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      copy.close();

      const scheduled = new DailyBackups(db, createLogger('silent'), { dataDir: join(scratch, 'scheduled'), keep: 2, firstCheckMs: 10, checkEveryMs: 60_000 });
      const today = new Date();
      const name = `ampyard-${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}.sqlite`;
      scheduled.start();
      const deadline = Date.now() + 5000;
      while (!existsSync(join(scratch, 'scheduled', 'backups', name)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await scheduled.stop();
      assert.ok(existsSync(join(scratch, 'scheduled', 'backups', name)), 'first backup shortly after start');

      const off = new DailyBackups(db, createLogger('silent'), { dataDir: join(scratch, 'off'), keep: 0, firstCheckMs: 1 });
      off.start();
      await off.runIfDue();
      await off.stop();
      assert.equal(existsSync(join(scratch, 'off', 'backups')), false, 'keep 0: no backups');
    } finally {
      await server.stop();
    }
  });
});

describe('backups of the running appliance', () => {
  it('are made on a thread of their own: one completes while the event loop is blocked, holds the meter values, and failures come back as BackupError', async () => {
    const server = await startTestServer({ acceptUnknownStations: true });
    const station = new SimStation({ url: `ws://127.0.0.1:${server.port}/ocpp`, id: 'CP-BACKUP-THREAD', version: '1.6', connectors: 1 });
    try {
      await station.connect();
      await station.boot();
      for (let wh = 1; wh <= 50; wh++) await station.meterValues(1, wh);
      const file = join(scratch, 'threaded.sqlite');
      const made = backupInThread(server.appliance.services.db, file, server.dataDir);
      // The event loop is held here until the file is in place: a backup made on it could never finish.
      const deadline = Date.now() + 30_000;
      while (!existsSync(file) && Date.now() < deadline) {
        // busy: nothing else runs on this thread meanwhile
      }
      assert.ok(existsSync(file), 'the backup was written while the event loop was blocked');
      const summary = await made;
      assert.equal(summary.stations, 1);
      assert.equal(count(file, 'SELECT COUNT(*) AS n FROM meter_values'), 50, 'a single file with the meter values');

      await assert.rejects(backupInThread(server.appliance.services.db, join(scratch, 'no-such-folder', 'x.sqlite'), server.dataDir), (error: Error) => {
        assert.ok(error instanceof BackupError, String(error));
        assert.match(error.message, /no-such-folder does not exist/);
        return true;
      });
    } finally {
      await station.close();
      await server.stop();
    }
  });
});
