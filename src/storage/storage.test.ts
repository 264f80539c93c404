import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseOpenError, NEW_DATABASE_PAGE_SIZE, databaseFile, openDatabase } from './database.ts';
import { SchemaTooNewError, migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { WriteQueue } from './write-queue.ts';
import { tempDir } from '../testing/temp-dir.ts';

const freshDir = () => tempDir('ampyard-db-');

describe('storage', () => {
  it('opens in WAL mode (the write queue makes commits durable) and applies every migration once', () => {
    const dir = freshDir();
    const db = openDatabase(dir, { onUpgrade: () => assert.fail('a new database is not an upgrade') });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1);
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    assert.deepEqual(versions, migrations.map((m) => m.version));
    assert.deepEqual(migrate(db, undefined, () => assert.fail('nothing to announce')), [], 'nothing left to apply');
    db.close();
    openDatabase(dir).close();
  });

  it('creates new databases with small pages (fewer WAL bytes per scattered row update) and keeps an existing file\'s page size', () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    assert.equal(db.pragma('page_size', { simple: true }), NEW_DATABASE_PAGE_SIZE);
    db.close();
    const older = freshDir();
    const made = new BetterSqlite3(databaseFile(older));
    made.pragma('page_size = 4096');
    made.exec('CREATE TABLE kept (v TEXT)');
    made.close();
    const reopened = openDatabase(older);
    assert.equal(reopened.pragma('page_size', { simple: true }), 4096);
    assert.equal(reopened.pragma('journal_mode', { simple: true }), 'wal');
    reopened.close();
  });

  it('refuses a database written by a newer Ampyard', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x')").run();
    assert.throws(() => migrate(db), SchemaTooNewError);
  });

  it('names a corrupt database file and points to a backup', () => {
    const dir = freshDir();
    writeFileSync(databaseFile(dir), 'this is not an SQLite file, just text '.repeat(200));
    assert.throws(() => openDatabase(dir), (e: unknown) => e instanceof DatabaseOpenError && /corrupt/.test(e.message) && /restore a backup/.test(e.message));
  });

  it('write queue: settles after commit, visible to another connection; one failing write does not undo its batch', async () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const queue = new WriteQueue(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const results = await Promise.allSettled([queue.run(() => insert.run('a')), queue.run(() => insert.run('a')), queue.run(() => insert.run('b'))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    const reader = new BetterSqlite3(databaseFile(dir), { readonly: true });
    assert.deepEqual(reader.prepare('SELECT k FROM t ORDER BY k').all(), [{ k: 'a' }, { k: 'b' }]);
    reader.close();
    db.close();
  });

  it('write queue: a write is acknowledged only after the WAL is synced; a failed sync rejects it', async () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const queue = new WriteQueue(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    await queue.run(() => insert.run('durable'));
    // Put a directory where the WAL file is looked up: SQLite keeps writing through its open descriptor, but
    // the sync the queue waits for now fails, so the write must not be acknowledged.
    const wal = `${databaseFile(dir)}-wal`;
    rmSync(wal);
    mkdirSync(wal);
    await assert.rejects(queue.run(() => insert.run('not-acknowledged')), (e: Error) => e.name === 'StorageUnavailableError');
    rmSync(wal, { recursive: true });
    db.close();
  });

  it('write queue with a checkpointer: COMMITs never checkpoint, the checkpointer keeps the WAL short; closing hands checkpoints back', async () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    const checkpointing = new BetterSqlite3(databaseFile(dir));
    let checkpoints = 0;
    // Like the storage worker: the checkpoint runs while the event loop goes on.
    let running = 0;
    const run = () => {
      running++;
      return new Promise<number>((resolve) =>
        setTimeout(() => {
          checkpoints++;
          const [result] = checkpointing.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
          running--;
          resolve(result!.log);
        }, 1),
      );
    };
    const queue = new WriteQueue(db, { commitWindowMs: 0, checkpointer: { run, everyMs: 0, restartAtBytes: 0 } });
    assert.equal(db.pragma('synchronous', { simple: true }), 0);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const row = 'x'.repeat(3000);
    // Writes keep coming while checkpoints run, until several have run (how many commits fall between them
    // depends on how busy the machine is, so the WAL's length at that moment says little).
    const written: Promise<unknown>[] = [];
    while (checkpoints < 4 && written.length < 5000) {
      written.push(queue.run(() => insert.run(row)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(written);
    const untilCheckpointsEnd = async () => {
      while (running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await untilCheckpointsEnd();
    // The next commit starts a checkpoint; the one after it, made once that is done, starts the WAL over: it
    // then holds only that commit's frames, where the flood left hundreds (two or more a row). Without the
    // checkpointer nothing would ever copy the WAL back (COMMITs do not), and it would hold every frame.
    await queue.run(() => insert.run(row));
    await untilCheckpointsEnd();
    await queue.run(() => insert.run(row));
    await untilCheckpointsEnd();
    const framesInWal = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
    assert.ok(framesInWal < 10, `${framesInWal} frames in the WAL`);
    assert.ok(checkpoints >= 4);
    checkpointing.close();
    const reader = new BetterSqlite3(databaseFile(dir), { readonly: true });
    assert.equal((reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, written.length + 2);
    reader.close();
    queue.close();
    assert.equal(db.pragma('synchronous', { simple: true }), 1);
    db.close();
  });
});
