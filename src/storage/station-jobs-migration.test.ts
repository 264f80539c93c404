import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { StationJobsRepo } from './station-jobs-repo.ts';

describe('migration 12: station jobs rebuilt for publish-firmware', () => {
  it('keeps every job, its history and files, the links between them and the job id sequence', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.filter((m) => m.version < 12));
    const at = '2026-01-01T00:00:00.000Z';
    db.prepare("INSERT INTO firmware_files (id, name, size, sha256, token, stored_as, created_at) VALUES (1, 'a.bin', 3, 'x', 't', 's', ?)").run(at);
    const job = db.prepare(`INSERT INTO station_jobs (station_id, kind, request_id, firmware_id, location, upload_token, upload_open, file_name, params, status, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    job.run('CP-1', 'firmware', 1, 1, 'http://h/f', null, 0, null, '{"firmwareId":1}', 'installed', 'succeeded', at, at);
    job.run('CP-1', 'log', 2, null, 'http://h/u', 'tok', 1, 'x.log', '{}', 'uploading', 'active', at, at);
    job.run('CP-2', 'diagnostics', null, null, 'http://h/v', 'tok2', 0, null, '{}', 'requested', 'pending', at, at);
    db.prepare('INSERT INTO station_job_history (job_id, at, status, source, detail) VALUES (?, ?, ?, ?, ?)').run(1, at, 'installed', 'station', 'requestId 1');
    db.prepare('INSERT INTO station_job_history (job_id, at, status, source, detail) VALUES (?, ?, ?, ?, ?)').run(2, at, 'uploading', 'station', null);
    db.prepare("INSERT INTO station_files (station_id, job_id, name, size, sha256, stored_as, received_at) VALUES ('CP-1', 2, 'x.log', 5, 'y', 'z', ?)").run(at);
    db.prepare('DELETE FROM station_jobs WHERE id = 3').run(); // the highest id used is gone, but must not be used again
    const before = {
      jobs: db.prepare('SELECT * FROM station_jobs ORDER BY id').all(),
      history: db.prepare('SELECT * FROM station_job_history ORDER BY id').all(),
      files: db.prepare('SELECT * FROM station_files ORDER BY id').all(),
    };

    assert.deepEqual(migrate(db, migrations.filter((m) => m.version <= 12)), [12]);
    assert.deepEqual(db.prepare('SELECT * FROM station_jobs ORDER BY id').all(), before.jobs.map((j) => ({ ...(j as object), result: null })));
    assert.deepEqual(db.prepare('SELECT * FROM station_job_history ORDER BY id').all(), before.history);
    assert.deepEqual(db.prepare('SELECT * FROM station_files ORDER BY id').all(), before.files);
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'm12_%'").all(), []);
    assert.deepEqual(db.pragma('foreign_key_check'), []);

    const repo = new StationJobsRepo(db);
    const id = repo.insertJob({ stationId: 'LC-1', kind: 'publish-firmware', firmwareId: 1, location: 'http://h/f', uploadToken: null, params: { checksum: 'c' }, status: 'requested', state: 'pending', at });
    assert.equal(id, 4, 'job ids (the requestIds stations saw) are never reused');
    repo.setResult(id, { locations: ['ftp://lc/a.bin'] });
    assert.equal(repo.get(id)!.result, '{"locations":["ftp://lc/a.bin"]}');
    assert.throws(() => db.prepare("UPDATE station_jobs SET kind = 'other' WHERE id = 1").run(), /CHECK/);

    // The foreign keys still act: a removed job takes its history along and leaves its files unlinked.
    db.prepare('DELETE FROM station_jobs WHERE id = 2').run();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM station_job_history WHERE job_id = 2').get() as { n: number }).n, 0);
    assert.equal((db.prepare('SELECT job_id FROM station_files').get() as { job_id: number | null }).job_id, null);
    db.prepare('DELETE FROM firmware_files WHERE id = 1').run();
    assert.equal((db.prepare('SELECT firmware_id FROM station_jobs WHERE id = 1').get() as { firmware_id: number | null }).firmware_id, null);
  });

  it('applies to an empty database too', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const repo = new StationJobsRepo(db);
    assert.equal(repo.insertJob({ stationId: 'A', kind: 'publish-firmware', firmwareId: null, location: 'x', uploadToken: null, params: {}, status: 'requested', state: 'pending', at: 'now' }), 1);
  });
});
