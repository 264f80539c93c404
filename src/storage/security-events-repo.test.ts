import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from './database.ts';
import { SecurityEventsRepo } from './security-events-repo.ts';

describe('security event log retention', () => {
  it('keeps the newest events of each station and leaves other stations and Ampyard’s own events alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-sec-'));
    const db = openDatabase(dir);
    const repo = new SecurityEventsRepo(db, 3);
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    for (let s = 0; s < 5; s++) {
      repo.insert({ stationId: 'A', source: 'station', type: `E${s}`, timestamp: at(s), techInfo: null, receivedAt: at(s) });
      repo.insert({ stationId: null, source: 'csms', type: `C${s}`, timestamp: at(s), techInfo: null, receivedAt: at(s) });
    }
    repo.insert({ stationId: 'B', source: 'station', type: 'B0', timestamp: at(0), techInfo: null, receivedAt: at(0) });
    assert.deepEqual(repo.list({ stationId: 'A', limit: 10, offset: 0 }).items.map((e) => e.type), ['E4', 'E3', 'E2']);
    assert.equal(repo.list({ source: 'csms', limit: 10, offset: 0 }).total, 5);
    assert.equal(repo.list({ stationId: 'B', limit: 10, offset: 0 }).total, 1);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
