/**
 * Normalises a charger's timestamp to ISO 8601 UTC. Chargers send timestamps without a zone (taken as UTC),
 * with odd precision, or not at all; an unusable value falls back to the time of receipt.
 */
export function normalizeTimestamp(value: unknown, now?: Date): string {
  if (typeof value === 'string' && isCanonicalUtc(value)) return value;
  if (typeof value === 'string' && value.length > 0) {
    const trimmed = value.trim();
    // Almost every charger sends UTC with a Z: no need to look further (this runs for every meter value).
    const hasZone = trimmed.endsWith('Z') || /(z|[+-]\d{2}:?\d{2})$/.test(trimmed);
    const parsed = Date.parse(hasZone ? trimmed : `${trimmed}Z`);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return (now ?? new Date()).toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `s` is already what normalizeTimestamp returns (YYYY-MM-DDTHH:MM:SS.sssZ, a real calendar time), as
 * most chargers send it: checked character by character, without parsing and formatting it again (this runs
 * for every meter value).
 */
function isCanonicalUtc(s: string): boolean {
  if (s.length !== 24 || s.charCodeAt(23) !== 90) return false;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.') return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && digits(s, 20, 3) >= 0;
}

/** The decimal number in s[from, from + count), or -1 if any of those is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
