import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../log/logger.ts';
import { openDatabase, type Db } from '../storage/database.ts';
import { SessionsRepo } from '../storage/sessions-repo.ts';
import { UsersRepo } from '../storage/users-repo.ts';
import { WriteQueue } from '../storage/write-queue.ts';
import { SessionService } from './sessions.ts';
import { UserService } from './users.ts';

describe('sessions (server-side, sliding expiry)', () => {
  let dir: string;
  let db: Db;
  let writes: WriteQueue;
  let now = Date.parse('2030-01-01T00:00:00Z');
  let sessions: SessionService;
  let users: UserService;
  let userId: number;
  const minute = 60_000;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ampyard-sessions-'));
    db = openDatabase(dir);
    writes = new WriteQueue(db);
    sessions = new SessionService(new SessionsRepo(db), writes, createLogger('silent'), { idleMs: 30 * minute, absoluteMs: 120 * minute, renewEveryMs: minute, now: () => now });
    users = new UserService(new UsersRepo(db), writes, sessions);
    userId = (await users.create({ username: 'dana', password: 'dana-password', role: 'operator' })).id;
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('stores only a hash of the session id; resolves the id to the user with the current role', async () => {
    const { sessionId, session } = await sessions.start(userId, { ip: '127.0.0.1', userAgent: 'test' });
    assert.match(sessionId, /^[A-Za-z0-9_-]{43}$/);
    const resolved = sessions.resolve(sessionId);
    assert.equal(resolved?.username, 'dana');
    assert.equal(resolved?.role, 'operator');
    assert.equal(resolved?.csrfToken, session.csrfToken);
    assert.equal(sessions.resolve(sessionId.slice(0, -1) + (sessionId.endsWith('A') ? 'B' : 'A')), undefined);
    await users.update(userId, { role: 'viewer' });
    assert.equal(sessions.resolve(sessionId)?.role, 'viewer', 'a role change applies to open sessions at once');
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(dir).filter((f) => f.startsWith('ampyard.sqlite'))) {
      assert.ok(!readFileSync(join(dir, file)).includes(sessionId), `${file} does not contain the session id`);
    }
  });

  it('slides the idle expiry with use, up to the absolute limit', async () => {
    const { sessionId } = await sessions.start(userId, { ip: null, userAgent: null });
    for (let i = 0; i < 4; i++) {
      now += 25 * minute; // each step is within the 30-minute idle time
      assert.ok(sessions.resolve(sessionId), `still signed in after ${(i + 1) * 25} minutes of use`);
      await settle();
    }
    now += 25 * minute; // 125 minutes after sign-in: past the absolute limit
    assert.equal(sessions.resolve(sessionId), undefined);
  });

  it('ends after the idle time without requests', async () => {
    const { sessionId, session } = await sessions.start(userId, { ip: null, userAgent: null });
    now += 29 * minute;
    assert.ok(sessions.resolve(sessionId));
    await settle();
    now += 31 * minute;
    assert.equal(sessions.resolve(sessionId), undefined);
    await settle();
    assert.equal(db.prepare('SELECT 1 FROM user_sessions WHERE id_hash = ?').get(session.idHash), undefined, 'the expired session is deleted');
  });

  it('a disabled user’s sessions stop working; a password reset ends them', async () => {
    const { sessionId } = await sessions.start(userId, { ip: null, userAgent: null });
    await users.update(userId, { disabled: true });
    assert.equal(sessions.resolve(sessionId), undefined);
    await users.update(userId, { disabled: false });
    const second = await sessions.start(userId, { ip: null, userAgent: null });
    const third = await sessions.start(userId, { ip: null, userAgent: null });
    assert.equal(await users.changeOwnPassword(userId, 'dana-password', 'dana-new-password', third.session.idHash), 'changed');
    assert.equal(sessions.resolve(second.sessionId), undefined, 'other sessions end');
    assert.ok(sessions.resolve(third.sessionId), 'the session that changed the password stays');
  });
  it('isLive: the event stream’s re-check, which sees idle expiry without renewing the session', async () => {
    const { sessionId, session } = await sessions.start(userId, { ip: null, userAgent: null });
    assert.equal(sessions.isLive(session.idHash), true);
    now += 29 * minute;
    assert.equal(sessions.isLive(session.idHash), true, 'not yet idle');
    now += 2 * minute;
    assert.equal(sessions.isLive(session.idHash), false, 'idle past the limit, and isLive did not renew it');
    assert.equal(sessions.resolve(sessionId), undefined);
    const next = await sessions.start(userId, { ip: null, userAgent: null });
    await sessions.end(next.session.idHash);
    assert.equal(sessions.isLive(next.session.idHash), false);
  });
});
