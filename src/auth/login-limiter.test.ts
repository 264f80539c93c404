import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginLimiter } from './login-limiter.ts';

describe('login limiter', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('locks a username after repeated failures, says for how long, and unlocks when the time is up', () => {
    const time = clock();
    const limiter = new LoginLimiter({ maxUserFailures: 3, userLockMs: 60_000, now: time.now });
    assert.equal(limiter.fail('10.0.0.1', 'Alice'), undefined);
    assert.equal(limiter.fail('10.0.0.2', 'alice'), undefined);
    assert.deepEqual(limiter.fail('10.0.0.3', 'ALICE'), { retryAfterSeconds: 60, reason: 'user-locked' }, 'from any address, in any case');
    time.advance(20_000);
    assert.deepEqual(limiter.check('10.0.0.9', 'alice'), { retryAfterSeconds: 40, reason: 'user-locked' });
    assert.equal(limiter.check('10.0.0.9', 'bob'), undefined, 'other users are not affected');
    time.advance(40_000);
    assert.equal(limiter.check('10.0.0.9', 'alice'), undefined);
  });

  it('a successful login clears the username’s failures', () => {
    const limiter = new LoginLimiter({ maxUserFailures: 3 });
    limiter.fail('a', 'carol');
    limiter.fail('a', 'carol');
    limiter.succeeded('carol');
    assert.equal(limiter.fail('a', 'carol'), undefined);
    assert.equal(limiter.fail('a', 'carol'), undefined);
    assert.equal(limiter.fail('a', 'carol')?.reason, 'user-locked');
  });

  it('refuses an address that fails across many usernames, for the rest of its window', () => {
    const time = clock();
    const limiter = new LoginLimiter({ maxUserFailures: 100, maxAddressFailures: 4, addressWindowMs: 10_000, now: time.now });
    for (const name of ['a', 'b', 'c']) assert.equal(limiter.fail('192.0.2.7', name), undefined);
    assert.deepEqual(limiter.fail('192.0.2.7', 'd'), { retryAfterSeconds: 10, reason: 'address-limited' });
    assert.equal(limiter.check('192.0.2.7', 'zed')?.reason, 'address-limited');
    assert.equal(limiter.check('192.0.2.8', 'zed'), undefined);
    time.advance(10_001);
    assert.equal(limiter.check('192.0.2.7', 'zed'), undefined);
  });

  it('stays bounded in memory under a flood of usernames', () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 25_000; i++) limiter.fail(`198.51.100.${i % 250}`, `user${i}`);
    const sizes = limiter as unknown as { users: Map<string, unknown>; addresses: Map<string, unknown> };
    assert.ok(sizes.users.size <= 10_000, String(sizes.users.size));
  });
});
