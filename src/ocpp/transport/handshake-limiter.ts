export interface HandshakeLimiterOptions {
  /** Failed authentications from one address within the window before the address is refused. */
  perAddress: number;
  /** Failed authentications for one station id within the window before other addresses are refused for it. */
  perStation: number;
  windowMs: number;
  now: () => number;
}

export interface Limited {
  by: 'address' | 'station';
  retryAfterSeconds: number;
  /** True once per window: the moment to record a security event (not for every refused attempt). */
  firstRefusal: boolean;
}

interface Counter {
  failures: number;
  windowEnds: number;
  noticed: boolean;
}

const MAX_TRACKED = 10_000;

/**
 * Rate limiting of failed charger authentications, so that passwords cannot be guessed at line rate and a
 * flood of bad handshakes costs neither scrypt time nor the security log. In memory.
 *
 * A station id is locked only for addresses other than the one the station last authenticated from, so that
 * someone guessing its password cannot lock the real charger out.
 */
export class HandshakeLimiter {
  private readonly options: HandshakeLimiterOptions;
  private readonly addresses = new Map<string, Counter>();
  private readonly stations = new Map<string, Counter>();

  constructor(options: Partial<HandshakeLimiterOptions> & Pick<HandshakeLimiterOptions, 'perAddress' | 'perStation'>) {
    this.options = { windowMs: 10 * 60_000, now: Date.now, ...options };
  }

  check(address: string, stationId: string, stationAddress: string | null): Limited | undefined {
    const now = this.options.now();
    const byAddress = this.current(this.addresses, address, now);
    if (byAddress && byAddress.failures >= this.options.perAddress) return this.refuse(byAddress, 'address', now);
    const byStation = address === stationAddress ? undefined : this.current(this.stations, stationId, now);
    if (byStation && byStation.failures >= this.options.perStation) return this.refuse(byStation, 'station', now);
    return undefined;
  }

  failed(address: string, stationId: string): void {
    const now = this.options.now();
    for (const [map, key] of [[this.addresses, address], [this.stations, stationId]] as const) {
      const counter = this.current(map, key, now) ?? this.track(map, key, now);
      counter.failures++;
    }
  }

  succeeded(stationId: string): void {
    this.stations.delete(stationId);
  }

  private refuse(counter: Counter, by: Limited['by'], now: number): Limited {
    const firstRefusal = !counter.noticed;
    counter.noticed = true;
    return { by, retryAfterSeconds: Math.max(1, Math.ceil((counter.windowEnds - now) / 1000)), firstRefusal };
  }

  private current(map: Map<string, Counter>, key: string, now: number): Counter | undefined {
    const counter = map.get(key);
    if (counter && counter.windowEnds <= now) {
      map.delete(key);
      return undefined;
    }
    return counter;
  }

  private track(map: Map<string, Counter>, key: string, now: number): Counter {
    if (map.size >= MAX_TRACKED) {
      for (const [k, c] of map) if (c.windowEnds <= now) map.delete(k);
      for (const k of map.keys()) {
        if (map.size < MAX_TRACKED * 0.9) break;
        map.delete(k);
      }
    }
    const counter = { failures: 0, windowEnds: now + this.options.windowMs, noticed: false };
    map.set(key, counter);
    return counter;
  }
}
