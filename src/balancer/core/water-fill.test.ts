import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waterFill } from './water-fill.ts';

describe('progressive filling', () => {
  it('levels items up from different bases, max-min fair', () => {
    const slack = new Float64Array([30]);
    const r = waterFill([
      { base: 6, want: 32, constraints: [0], coefs: [1] },
      { base: 12, want: 32, constraints: [0], coefs: [1] },
      { base: 0, want: 4, constraints: [0], coefs: [1] },
    ], slack);
    // 30 + 18 already handed out = 48 in all: 4 to the small one, 22 each for the others.
    assert.deepEqual([...r.alloc], [22, 22, 4]);
    assert.deepEqual([...r.frozenBy], [0, 0, -1]);
    assert.ok(Math.abs(slack[0]!) < 1e-9);
  });

  it('freezes only the items of a saturated constraint; the others keep rising', () => {
    const slack = new Float64Array([10, 100]);
    const r = waterFill([
      { base: 0, want: 50, constraints: [0, 1], coefs: [1, 1] },
      { base: 0, want: 50, constraints: [1], coefs: [1] },
    ], slack);
    assert.deepEqual([...r.alloc], [10, 50]);
    assert.deepEqual([...r.frozenBy], [0, -1]);
  });

  it('weighs power constraints by watts per ampere', () => {
    const slack = new Float64Array([6900]);
    const r = waterFill([
      { base: 0, want: 32, constraints: [0], coefs: [690] },
      { base: 0, want: 32, constraints: [0], coefs: [230] },
    ], slack);
    assert.ok(Math.abs(r.alloc[0]! - 7.5) < 1e-9 && Math.abs(r.alloc[1]! - 7.5) < 1e-9);
  });

  it('leaves items at their base when a constraint is already exhausted', () => {
    const r = waterFill([{ base: 6, want: 32, constraints: [0], coefs: [1] }], new Float64Array([-1]));
    assert.deepEqual([...r.alloc], [6]);
  });
});
