import type { LimitScheduleEntry } from './types.ts';

export interface LocalTime {
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Weekday (0 = Sunday) and minute after midnight of `time` in `timeZone`. */
export function localTime(time: number, timeZone = 'UTC'): LocalTime {
  if (timeZone === 'UTC') {
    const d = new Date(time);
    return { weekday: d.getUTCDay(), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(time)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

export function entryApplies(entry: LimitScheduleEntry, at: LocalTime): boolean {
  const { fromMinute: from, toMinute: to } = entry;
  if (from <= to) return (!entry.days || entry.days.includes(at.weekday)) && at.minute >= from && at.minute < to;
  // Wraps past midnight: the part after midnight belongs to the day the entry started on.
  if (at.minute >= from) return !entry.days || entry.days.includes(at.weekday);
  return at.minute < to && (!entry.days || entry.days.includes((at.weekday + 6) % 7));
}

/** Times to evaluate a minute-granular schedule at so that every entry active at some point in [from, to] is seen. */
export function minuteSamples(from: number, to: number): number[] {
  const out = [from];
  for (let t = Math.floor(from / 60_000) * 60_000 + 60_000; t <= to; t += 60_000) out.push(t);
  return out;
}
