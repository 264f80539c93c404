export interface Timing {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
}

export function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { meanMs: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0, count: sorted.length };
}

export const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
