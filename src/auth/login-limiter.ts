export interface LoginLimiterOptions {
  /** Failed logins in a row after which a username is locked… */
  maxUserFailures: number;
  /** …for this long. */
  userLockMs: number;
  /** Failed attempts (logins, setup codes, password checks) from one address within the window before it is refused. */
  maxAddressFailures: number;
  addressWindowMs: number;
  now: () => number;
}

export const defaultLoginLimiterOptions: LoginLimiterOptions = {
  maxUserFailures: 5,
  userLockMs: 15 * 60 * 1000,
  maxAddressFailures: 20,
  addressWindowMs: 15 * 60 * 1000,
  now: Date.now,
};

/** Why an attempt is refused, and when to try again. */
export interface Refusal {
  retryAfterSeconds: number;
  reason: 'user-locked' | 'address-limited';
}

interface Counter {
  failures: number;
  /** user: locked until; address: the window ends at. */
  until: number;
}

const MAX_TRACKED = 10_000;

/**
 * Slows down password guessing: a username is locked after a few failures in a row (whoever tries), and an
 * address is refused after many failures across usernames. In memory: a restart forgets, which only helps
 * someone who can restart the appliance anyway.
 */
export class LoginLimiter {
  private readonly options: LoginLimiterOptions;
  private readonly users = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();

  constructor(options: Partial<LoginLimiterOptions> = {}) {
    this.options = { ...defaultLoginLimiterOptions, ...options };
  }

  /** A refusal if the attempt must not even be checked. */
  check(address: string, username?: string): Refusal | undefined {
    const now = this.options.now();
    const byAddress = this.current(this.addresses, address, now);
    if (byAddress && byAddress.failures >= this.options.maxAddressFailures) return this.refusal(byAddress.until, now, 'address-limited');
    const byUser = username === undefined ? undefined : this.current(this.users, username.toLowerCase(), now);
    if (byUser && byUser.failures >= this.options.maxUserFailures) return this.refusal(byUser.until, now, 'user-locked');
    return undefined;
  }

  /** Counts a failure; returns the refusal it caused, if it was the one too many. */
  fail(address: string, username?: string): Refusal | undefined {
    const now = this.options.now();
    const byAddress = this.current(this.addresses, address, now) ?? this.track(this.addresses, address, now + this.options.addressWindowMs);
    byAddress.failures++;
    if (username !== undefined) {
      const key = username.toLowerCase();
      const byUser = this.current(this.users, key, now) ?? this.track(this.users, key, 0);
      byUser.failures++;
      // Each failure keeps the record alive; reaching the limit starts the lock.
      byUser.until = now + this.options.userLockMs;
    }
    return this.check(address, username);
  }

  succeeded(username: string): void {
    this.users.delete(username.toLowerCase());
  }

  private current(map: Map<string, Counter>, key: string, now: number): Counter | undefined {
    const counter = map.get(key);
    if (counter && counter.until <= now) {
      map.delete(key);
      return undefined;
    }
    return counter;
  }

  private track(map: Map<string, Counter>, key: string, until: number): Counter {
    if (map.size >= MAX_TRACKED) {
      const now = this.options.now();
      for (const [k, c] of map) if (c.until <= now) map.delete(k);
      // Still full: forget the oldest entries rather than grow without bound.
      for (const k of map.keys()) {
        if (map.size < MAX_TRACKED * 0.9) break;
        map.delete(k);
      }
    }
    const counter = { failures: 0, until };
    map.set(key, counter);
    return counter;
  }

  private refusal(until: number, now: number, reason: Refusal['reason']): Refusal {
    return { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)), reason };
  }
}
