/**
 * A small seeded PRNG (mulberry32) for tests that generate random input: the same seed gives the same input,
 * so a failure reproduces. Tests use a fixed seed, print it, and take AMPYARD_TEST_SEED to explore others.
 */
export interface Prng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  bytes(length: number): Buffer;
  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet?: string): string;
}

export function testSeed(fallback: number): number {
  const fromEnv = Number(process.env['AMPYARD_TEST_SEED']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

export function prng(seed: number): Prng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    chance: (probability) => next() < probability,
    bytes: (length) => {
      const out = Buffer.alloc(length);
      for (let i = 0; i < length; i++) out[i] = int(0, 255);
      return out;
    },
    string: (length, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[int(0, alphabet.length - 1)];
      return out;
    },
  };
}
