import type { PriceSlot } from '../core/index.ts';
import type { PriceWindow, TimeWindow } from './model.ts';

/** 'HH:MM' or 'HH:MM:SS' → minutes after midnight ('24:00' = 1440; seconds as a fraction of a minute). */
export const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) + (hhmm.length > 5 ? Number(hhmm.slice(6, 8)) / 60 : 0);

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function localParts(time: number, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const out: LocalParts = { year: 0, month: 0, day: 0, weekday: 0, minute: 0 };
  let hour = 0;
  for (const part of f.formatToParts(time)) {
    if (part.type === 'year') out.year = Number(part.value);
    else if (part.type === 'month') out.month = Number(part.value);
    else if (part.type === 'day') out.day = Number(part.value);
    else if (part.type === 'weekday') out.weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') out.minute = Number(part.value);
  }
  out.minute += hour * 60;
  return out;
}

/** The instant of local `minute` on the local date y-m-d in `timeZone` (the later one when a clock change repeats it). */
function zoned(timeZone: string, year: number, month: number, day: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = localParts(guess, timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, 0, p.minute);
    if (seen === wall) return guess;
    guess += wall - seen;
  }
  return guess;
}

/** The first time after `after` that is local `minute` on one of `days` (0 = Sunday). */
export function nextOccurrence(days: number[], minute: number, after: number, timeZone: string): number {
  const today = localParts(after, timeZone);
  for (let k = 0; k <= 8; k++) {
    const base = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    if (!days.includes(base.getUTCDay())) continue;
    const whole = Math.floor(minute);
    const at = zoned(timeZone, base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), whole) + Math.round((minute - whole) * 60) * 1000;
    if (at > after) return at;
  }
  return Number.POSITIVE_INFINITY;
}

export function windowApplies(window: TimeWindow, time: number, timeZone: string): boolean {
  const { weekday, minute } = localParts(time, timeZone);
  const from = minuteOf(window.from);
  const to = minuteOf(window.to);
  if (from <= to) return (!window.days || window.days.includes(weekday)) && minute >= from && minute < to;
  if (minute >= from) return !window.days || window.days.includes(weekday);
  return minute < to && (!window.days || window.days.includes((weekday + 6) % 7));
}

/**
 * The time-of-use price schedule as slots from `now` (rounded down to a slot) over the horizon. Windows start and
 * end on quarter hours (checked when stored), so sampling each slot's start is exact. No prices: undefined.
 */
export function priceSlots(prices: { default: number | null; windows: PriceWindow[] }, now: number, horizonHours: number, timeZone: string, slotMinutes = 15): PriceSlot[] | undefined {
  if (prices.windows.length === 0 && prices.default === null) return undefined;
  const slotMs = Math.min(slotMinutes, 15) * 60_000;
  const out: PriceSlot[] = [];
  const end = now + horizonHours * 3_600_000;
  for (let t = Math.floor(now / slotMs) * slotMs; t < end; t += slotMs) {
    const window = prices.windows.find((w) => windowApplies(w, t, timeZone));
    const price = window?.price ?? prices.default ?? 0;
    const last = out.at(-1);
    if (last && last.price === price && last.to === t) last.to = t + slotMs;
    else out.push({ from: t, to: t + slotMs, price });
  }
  return out;
}
