// The site's energy price: a default and cheaper or dearer time windows (site time), on quarter hours. The
// balancer charges vehicles without a deadline problem in the cheapest hours.
import { DayPicker } from './day-picker.tsx';
import { EditableRows } from './editable-rows.tsx';
import { InputField } from './input-field.tsx';
import { given, numberOrNull, textOf } from './input-values.ts';
import type { PriceWindow } from './site-api.ts';

export interface PriceRow {
  days: number[];
  from: string;
  to: string;
  price: string;
}

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

export const priceRows = (windows: PriceWindow[]): PriceRow[] => windows.map((w) => ({ days: w.days ?? ALL_DAYS, from: w.from, to: w.to, price: textOf(w.price) }));

export const pricesFromRows = (rows: PriceRow[]) =>
  rows.map((r) => given({ days: r.days.length === 7 ? null : r.days, from: r.from, to: r.to, price: numberOrNull(r.price) }));

export function PriceWindowsEditor({ rows, onChange, err }: { rows: PriceRow[]; onChange(rows: PriceRow[]): void; err(field: string): string | undefined }) {
  return (
    <fieldset class="site-form__group">
      <legend>Energy price windows (site time)</legend>
      <EditableRows rows={rows} onChange={onChange} blank={() => ({ days: ALL_DAYS, from: '22:00', to: '06:00', price: '' })} addLabel="Add price window" testId="price-windows">
        {(row, update, i) => (
          <>
            <DayPicker value={row.days} onChange={(days) => update({ days })} idPrefix={`price-${i}`} />
            <InputField id={`price-${i}-from`} label="From" type="time" value={row.from} onInput={(from) => update({ from })} error={err(`prices.windows.${i}.from`) ?? err(`prices.windows.${i}`)} />
            <InputField id={`price-${i}-to`} label="To" type="time" value={row.to} onInput={(to) => update({ to })} error={err(`prices.windows.${i}.to`)} />
            <InputField id={`price-${i}-price`} label="Price per kWh" type="number" value={row.price} onInput={(price) => update({ price })} error={err(`prices.windows.${i}.price`)} />
          </>
        )}
      </EditableRows>
    </fieldset>
  );
}
