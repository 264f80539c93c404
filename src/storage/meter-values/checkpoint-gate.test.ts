import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CheckpointGate, GATE_BYTES } from './checkpoint-gate.ts';

describe('checkpoint gate', () => {
  it('holds new commits once closed, waits for one under way, and gives up (open again) when it lasts too long', () => {
    const buffer = new SharedArrayBuffer(GATE_BYTES);
    const writer = new CheckpointGate(buffer);
    const checkpointer = new CheckpointGate(buffer);

    assert.equal(writer.tryEnter(), true);
    assert.equal(checkpointer.close(20), false, 'a commit under way for longer than the timeout');
    assert.equal(checkpointer.closed, false, 'given up: open again, so the writer is never stuck');
    writer.leave();

    assert.equal(checkpointer.close(20), true);
    assert.equal(writer.tryEnter(), false, 'held while closed');
    assert.equal(checkpointer.close(20), true, 'a refused writer left no commit behind');
    checkpointer.open();
    assert.equal(writer.tryEnter(), true);
    writer.leave();
  });

  it('never lets a commit run while the checkpointer holds the gate (writer in another thread)', async () => {
    const buffer = new SharedArrayBuffer(GATE_BYTES);
    // [0]: 1 while the writer is inside a "commit"; [1]: set to stop the writer; [2]: commits made.
    const state = new Int32Array(new SharedArrayBuffer(12));
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads');
       import(workerData.gateModule).then(({ CheckpointGate }) => {
         const gate = new CheckpointGate(workerData.buffer);
         const state = new Int32Array(workerData.state);
         while (Atomics.load(state, 1) === 0) {
           if (!gate.tryEnter()) continue;
           Atomics.store(state, 0, 1);
           const until = performance.now() + Math.random() * 0.3;
           while (performance.now() < until);
           Atomics.store(state, 0, 0);
           Atomics.add(state, 2, 1);
           gate.leave();
         }
       });`,
      { eval: true, workerData: { buffer, state: state.buffer, gateModule: new URL('./checkpoint-gate.ts', import.meta.url).href } },
    );
    const checkpointer = new CheckpointGate(buffer);
    try {
      const started = Date.now();
      while (Atomics.load(state, 2) < 100) {
        assert.ok(Date.now() - started < 10_000, 'the writer thread did not start');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      let held = 0;
      for (let round = 0; round < 300; round++) {
        if (!checkpointer.close(1000)) continue;
        held++;
        const before = Atomics.load(state, 2);
        for (let look = 0; look < 2000; look++) assert.equal(Atomics.load(state, 0), 0, `a commit ran while the gate was closed (round ${round})`);
        assert.equal(Atomics.load(state, 2), before, 'no commit completed while held');
        checkpointer.open();
        const reopened = performance.now();
        while (performance.now() - reopened < 0.5);
      }
      assert.equal(held, 300, 'every close succeeded: commits are short');
      assert.ok(Atomics.load(state, 2) > 300, 'the writer went on between rounds');
    } finally {
      Atomics.store(state, 1, 1);
      await writer.terminate();
    }
  });
});
