let cachedMs = Number.NaN;
let cachedIso = '';

/**
 * `new Date().toISOString()`, formatted once per millisecond: under load many messages arrive within the same
 * millisecond, and each marks its station as seen.
 */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = new Date(ms).toISOString();
  }
  return cachedIso;
}
