// Days of the week (0 = Sunday … 6) as toggle checkboxes, named in the browser's language.

const dayName = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });
// 7 January 2024 was a Sunday.
export const DAY_NAMES = [0, 1, 2, 3, 4, 5, 6].map((d) => dayName.format(new Date(Date.UTC(2024, 0, 7 + d))));

/** '' for every day, else the days' names. */
export function daysText(days: number[] | undefined): string {
  return !days || days.length === 7 ? 'every day' : days.map((d) => DAY_NAMES[d]).join(', ');
}

export function DayPicker({ value, onChange, idPrefix }: { value: number[]; onChange(days: number[]): void; idPrefix: string }) {
  const toggle = (day: number) => onChange(value.includes(day) ? value.filter((d) => d !== day) : [...value, day].sort());
  return (
    <fieldset class="day-picker">
      <legend class="visually-hidden">Days</legend>
      {DAY_NAMES.map((name, day) => (
        <label key={day} class="day-picker__day">
          <input type="checkbox" id={`${idPrefix}-day-${day}`} checked={value.includes(day)} onChange={() => toggle(day)} />
          {name}
        </label>
      ))}
    </fieldset>
  );
}
