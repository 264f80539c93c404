/** A timer handle the clock hands out; `unref` lets the process exit while it is pending (no-op for simulated clocks). */
export interface ClockTimer {
  unref(): unknown;
}

/**
 * Time as the load-management driver sees it: the real clock in production, a simulated one in the site
 * simulator (scripts/sim-site), which advances time in steps faster than real time.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
  setInterval(fn: () => void, ms: number): ClockTimer;
  clearInterval(timer: ClockTimer | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
};
