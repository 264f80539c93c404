let cachedMs = Number.NaN;
let cachedIso = '';

/**
 * `new Date().toISOString()`, formatted once per millisecond: under load many messages arrive within the same
 * millisecond, and each is stamped (its station's last-seen time, the message log).
 */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = new Date(ms).toISOString();
  }
  return cachedIso;
}
