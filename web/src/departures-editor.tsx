// A vehicle's weekly departures: on these days it leaves at this time (site time) with this much energy or charge.
import { DayPicker } from './day-picker.tsx';
import { EditableRows } from './editable-rows.tsx';
import { InputField } from './input-field.tsx';
import { given, numberOrNull, textOf } from './input-values.ts';
import type { Departure } from './site-api.ts';

export interface DepartureRow {
  days: number[];
  at: string;
  arriveAt: string;
  target: 'energy' | 'soc' | 'none';
  amount: string;
}

export const departureRows = (departures: Departure[]): DepartureRow[] =>
  departures.map((d) => ({
    days: d.days,
    at: d.at,
    arriveAt: d.arriveAt ?? '',
    target: d.targetSocPct !== undefined ? 'soc' : d.targetEnergyKwh !== undefined ? 'energy' : 'none',
    amount: textOf(d.targetSocPct ?? d.targetEnergyKwh),
  }));

export const departuresFromRows = (rows: DepartureRow[]) =>
  rows.map((r) =>
    given({
      days: r.days,
      at: r.at,
      arriveAt: r.arriveAt || null,
      targetEnergyKwh: r.target === 'energy' ? numberOrNull(r.amount) : null,
      targetSocPct: r.target === 'soc' ? numberOrNull(r.amount) : null,
    }),
  );

export function DeparturesEditor({ rows, onChange, err }: { rows: DepartureRow[]; onChange(rows: DepartureRow[]): void; err(field: string): string | undefined }) {
  return (
    <fieldset class="site-form__group">
      <legend>Weekly departures (site time)</legend>
      <EditableRows rows={rows} onChange={onChange} blank={() => ({ days: [1, 2, 3, 4, 5], at: '07:00', arriveAt: '', target: 'energy', amount: '' })} addLabel="Add departure" testId="departures">
        {(row, update, i) => (
          <>
            <DayPicker value={row.days} onChange={(days) => update({ days })} idPrefix={`departure-${i}`} />
            <InputField id={`departure-${i}-at`} label="Leaves at" type="time" value={row.at} onInput={(at) => update({ at })} error={err(`departures.${i}.at`) ?? err(`departures.${i}.days`) ?? err(`departures.${i}`)} />
            <InputField id={`departure-${i}-arrive`} label="Usually plugs in (optional)" type="time" value={row.arriveAt} onInput={(arriveAt) => update({ arriveAt })} error={err(`departures.${i}.arriveAt`)} />
            <label class="field">
              <span>Target</span>
              <select value={row.target} onChange={(e) => update({ target: e.currentTarget.value as DepartureRow['target'] })} data-testid={`departure-${i}-target`}>
                <option value="energy">Energy (kWh)</option>
                <option value="soc">Charge (%)</option>
                <option value="none">Full as possible</option>
              </select>
            </label>
            {row.target !== 'none' && (
              <InputField
                id={`departure-${i}-amount`}
                label={row.target === 'soc' ? 'Charge (%)' : 'Energy (kWh)'}
                type="number"
                value={row.amount}
                onInput={(amount) => update({ amount })}
                error={err(`departures.${i}.targetEnergyKwh`) ?? err(`departures.${i}.targetSocPct`)}
              />
            )}
          </>
        )}
      </EditableRows>
    </fieldset>
  );
}
