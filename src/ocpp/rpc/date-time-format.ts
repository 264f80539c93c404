// JSON schema "date-time" (RFC 3339 date-time: full-date, T or a blank, full-time with a zone) as ajv-formats
// checks it in its full mode, to the letter, but without splitting the string and matching two regular
// expressions into arrays: every meter value carries a timestamp, and those allocations added up to about a
// tenth of what the event loop allocated per message. date-time-format.test.ts compares the two.

const SHAPE = /^\d{4}-\d\d-\d\d[Tt\s]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at `at` as a number (the shape is checked first). */
const two = (s: string, at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

export function isDateTime(s: string): boolean {
  if (!SHAPE.test(s)) return false;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && isLeapYear(year) ? 29 : DAYS[month]!)) return false;
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  // After the seconds and their fraction, if any: Z or the offset.
  let zone = 19;
  if (s[zone] === '.') do zone++; while (s[zone]! >= '0' && s[zone]! <= '9');
  let zoneHours = 0;
  let zoneMinutes = 0;
  let sign = 1;
  const marker = s[zone];
  if (marker === '+' || marker === '-') {
    sign = marker === '-' ? -1 : 1;
    zoneHours = two(s, zone + 1);
    const rest = zone + 3;
    if (rest < s.length) zoneMinutes = two(s, s[rest] === ':' ? rest + 1 : rest);
  }
  if (zoneHours > 23 || zoneMinutes > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second: 23:59:60 UTC.
  const utcMinute = minute - zoneMinutes * sign;
  const utcHour = hour - zoneHours * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}
