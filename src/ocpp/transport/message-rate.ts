/** A token bucket: up to `perMinute` messages at once, refilled at `perMinute` a minute. */
export class MessageRate {
  private tokens: number;
  private last: number;
  private readonly perMinute: number;
  private readonly now: () => number;

  constructor(perMinute: number, now: () => number = Date.now) {
    this.perMinute = perMinute;
    this.tokens = perMinute;
    this.now = now;
    this.last = now();
  }

  /** Whether one more message is within the rate. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
