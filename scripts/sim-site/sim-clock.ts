import type { Clock, ClockTimer } from '../../src/balancer/clock.ts';

interface SimTimer extends ClockTimer {
  due: number;
  seq: number;
  fn: () => void;
  everyMs: number | null;
}

/**
 * Simulated time for the server's load-management driver: timers fire only when the simulator advances the
 * clock, in due order, each at its own time, and the simulator lets the server settle after each one.
 */
export class SimClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<SimTimer>();

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) this.timers.delete(timer as SimTimer);
  }

  clearInterval(timer: ClockTimer | undefined): void {
    this.clearTimeout(timer);
  }

  /** Whether a timer is due at the current time (the server is not quiet yet). */
  hasDue(): boolean {
    for (const t of this.timers) if (t.due <= this.time) return true;
    return false;
  }

  /** Moves time to `target`, firing every timer due on the way at its time and awaiting `settle` after each. */
  async advanceTo(target: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.time = Math.max(this.time, next.due);
      if (next.everyMs === null) this.timers.delete(next);
      else next.due += next.everyMs;
      next.fn();
      await settle();
    }
    this.time = Math.max(this.time, target);
  }

  private earliest(): SimTimer | undefined {
    let best: SimTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private add(fn: () => void, ms: number, everyMs: number | null): SimTimer {
    const timer: SimTimer = { due: this.time + Math.max(0, ms), seq: ++this.seq, fn, everyMs, unref: () => timer };
    this.timers.add(timer);
    return timer;
  }
}
