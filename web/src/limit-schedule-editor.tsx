// A circuit's time-of-day limits: on these days, from–to (local site time), this limit instead.
import { DayPicker } from './day-picker.tsx';
import { EditableRows } from './editable-rows.tsx';
import { InputField } from './input-field.tsx';
import { given, numberOrNull, perPhaseFromText, perPhaseText, textOf } from './input-values.ts';
import type { LimitWindow } from './site-api.ts';

export interface WindowRow {
  days: number[];
  from: string;
  to: string;
  limit: string;
  maxPower: string;
}

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

export const scheduleRows = (schedule: LimitWindow[]): WindowRow[] =>
  schedule.map((w) => ({ days: w.days ?? ALL_DAYS, from: w.from, to: w.to, limit: perPhaseText(w.limitA), maxPower: textOf(w.maxPowerKw) }));

export const scheduleFromRows = (rows: WindowRow[]) =>
  rows.map((r) => given({ days: r.days.length === 7 ? null : r.days, from: r.from, to: r.to, limitA: perPhaseFromText(r.limit), maxPowerKw: numberOrNull(r.maxPower) }));

export function LimitScheduleEditor({ rows, onChange, err }: { rows: WindowRow[]; onChange(rows: WindowRow[]): void; err(field: string): string | undefined }) {
  return (
    <fieldset class="site-form__group">
      <legend>Time-of-day limits (site time)</legend>
      <EditableRows rows={rows} onChange={onChange} blank={() => ({ days: ALL_DAYS, from: '17:00', to: '20:00', limit: '', maxPower: '' })} addLabel="Add time window" testId="circuit-schedule">
        {(row, update, i) => (
          <>
            <DayPicker value={row.days} onChange={(days) => update({ days })} idPrefix={`window-${i}`} />
            <InputField id={`window-${i}-from`} label="From" type="time" value={row.from} onInput={(from) => update({ from })} error={err(`schedule.${i}.from`) ?? err(`schedule.${i}`)} />
            <InputField id={`window-${i}-to`} label="To" type="time" value={row.to} onInput={(to) => update({ to })} error={err(`schedule.${i}.to`)} />
            <InputField id={`window-${i}-limit`} label="Limit (A)" value={row.limit} onInput={(limit) => update({ limit })} error={err(`schedule.${i}.limitA`)} />
            <InputField id={`window-${i}-power`} label="Power (kW)" type="number" value={row.maxPower} onInput={(maxPower) => update({ maxPower })} error={err(`schedule.${i}.maxPowerKw`)} />
          </>
        )}
      </EditableRows>
    </fieldset>
  );
}
