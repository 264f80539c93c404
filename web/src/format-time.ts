const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** A time of day in the browser's locale and zone. */
export function formatTime(epochMs: number): string {
  return timeFormat.format(new Date(epochMs));
}
