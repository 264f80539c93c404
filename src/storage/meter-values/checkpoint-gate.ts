/** Two Int32s shared by the meter-value thread (the file's writer) and the storage thread (its checkpointer). */
export const GATE_BYTES = 8;

const CLOSED = 0;
const COMMITTING = 1;

/**
 * Lets the checkpointer hold the writer's commits for a moment, so that a checkpoint can copy the whole WAL and
 * the writer's next commit starts the WAL over. Closing waits for a commit already under way: a commit that
 * began before the gate closed and ended after the final checkpoint would leave frames it did not copy, and the
 * WAL would not start over (measured: most attempts failed that way under load, so the WAL grew on and the
 * writer was held again a second later).
 *
 * The writer announces a commit before it looks at the gate, and the checkpointer closes the gate before it
 * looks for a commit; with sequentially consistent Atomics one of the two always sees the other.
 */
export class CheckpointGate {
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer, 0, 2);
  }

  /** Writer: true if it may commit now (then `leave` afterwards); false while the gate is closed. */
  tryEnter(): boolean {
    Atomics.store(this.cells, COMMITTING, 1);
    if (Atomics.load(this.cells, CLOSED) === 0) return true;
    this.leave();
    return false;
  }

  /** Writer: the commit is over. */
  leave(): void {
    Atomics.store(this.cells, COMMITTING, 0);
    Atomics.notify(this.cells, COMMITTING);
  }

  /**
   * Checkpointer: closes the gate and waits (blocking this thread) until no commit is under way. False, with
   * the gate open again, if a commit is still under way after `timeoutMs`.
   */
  close(timeoutMs: number): boolean {
    Atomics.store(this.cells, CLOSED, 1);
    const until = performance.now() + timeoutMs;
    while (Atomics.load(this.cells, COMMITTING) === 1) {
      const left = until - performance.now();
      if (left <= 0 || Atomics.wait(this.cells, COMMITTING, 1, left) === 'timed-out') {
        if (Atomics.load(this.cells, COMMITTING) === 0) break;
        this.open();
        return false;
      }
    }
    return true;
  }

  open(): void {
    Atomics.store(this.cells, CLOSED, 0);
  }

  get closed(): boolean {
    return Atomics.load(this.cells, CLOSED) === 1;
  }
}
