import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeLimiter } from './handshake-limiter.ts';
import { MessageRate } from './message-rate.ts';

describe('failed-handshake limiter', () => {
  it('limits an address and a station id within the window, notices once, and forgets after it', () => {
    let now = 0;
    const limiter = new HandshakeLimiter({ perAddress: 3, perStation: 2, windowMs: 1000, now: () => now });
    limiter.failed('10.0.0.1', 'CP1');
    assert.equal(limiter.check('10.0.0.1', 'CP1', null), undefined);
    limiter.failed('10.0.0.1', 'CP1');
    assert.deepEqual(limiter.check('10.0.0.2', 'CP1', null), { by: 'station', retryAfterSeconds: 1, firstRefusal: true });
    assert.equal(limiter.check('10.0.0.2', 'CP1', null)!.firstRefusal, false);
    assert.equal(limiter.check('10.0.0.2', 'CP1', '10.0.0.2'), undefined, 'the station’s own address');
    assert.equal(limiter.check('10.0.0.2', 'CP2', null), undefined);
    limiter.failed('10.0.0.1', 'CP3');
    assert.equal(limiter.check('10.0.0.1', 'CP9', '10.0.0.1')!.by, 'address');
    now = 1000;
    assert.equal(limiter.check('10.0.0.1', 'CP1', null), undefined);
  });

  it('a success clears the station id, not the address', () => {
    const limiter = new HandshakeLimiter({ perAddress: 2, perStation: 1 });
    limiter.failed('10.0.0.1', 'CP1');
    limiter.succeeded('CP1');
    assert.equal(limiter.check('10.0.0.3', 'CP1', null), undefined);
    limiter.failed('10.0.0.1', 'CP2');
    assert.equal(limiter.check('10.0.0.1', 'CP1', null)!.by, 'address');
  });
});

describe('message rate', () => {
  it('allows a burst of the per-minute rate, then refills continuously', () => {
    let now = 0;
    const rate = new MessageRate(60, () => now);
    for (let i = 0; i < 60; i++) assert.equal(rate.take(), true);
    assert.equal(rate.take(), false);
    now += 1000;
    assert.equal(rate.take(), true);
    assert.equal(rate.take(), false);
  });
});
