// A station's EVSEs as wired: AC/DC, phases, phase rotation, min/max current, maximum (and DC minimum) power,
// its voltage where it differs from the site's, and the rate unit it takes.
import { EditableRows } from './editable-rows.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import type { EvseElectrical, Phase } from './site-api.ts';

export interface EvseRow {
  evseId: string;
  kind: 'AC' | 'DC';
  phases: 1 | 2 | 3;
  rotation: string;
  minCurrent: string;
  maxCurrent: string;
  maxPowerKw: string;
  /** DC only; an AC EVSE keeps what it had. */
  minPowerKw: string;
  voltage: string;
  unit: 'A' | 'W';
}

/** Grid phases each EVSE phase is wired to, in order: the usual rotations for 1, 2 and 3 phases. */
const ROTATIONS: Record<number, string[]> = {
  1: ['L1', 'L2', 'L3'],
  2: ['L1 L2', 'L2 L3', 'L3 L1'],
  3: ['L1 L2 L3', 'L2 L3 L1', 'L3 L1 L2'],
};

export const evseRow = (e: EvseElectrical): EvseRow => ({
  evseId: String(e.evseId),
  kind: e.kind,
  phases: e.phases,
  rotation: e.rotation.join(' '),
  minCurrent: textOf(e.minCurrentA),
  maxCurrent: textOf(e.maxCurrentA),
  maxPowerKw: kilowattsText(e.maxPowerW),
  minPowerKw: kilowattsText(e.minPowerW),
  voltage: textOf(e.voltageV),
  unit: e.unit,
});

export const blankEvseRow = (evseId: number): EvseRow => ({ evseId: String(evseId), kind: 'AC', phases: 3, rotation: 'L1 L2 L3', minCurrent: '', maxCurrent: '32', maxPowerKw: '', minPowerKw: '', voltage: '', unit: 'A' });

export const evseFromRow = (r: EvseRow) => ({
  evseId: numberOrNull(r.evseId),
  kind: r.kind,
  phases: r.phases,
  rotation: r.rotation.split(' ') as Phase[],
  minCurrentA: numberOrNull(r.minCurrent),
  maxCurrentA: numberOrNull(r.maxCurrent),
  maxPowerW: kilowattsToWatts(r.maxPowerKw),
  minPowerW: kilowattsToWatts(r.minPowerKw),
  voltageV: numberOrNull(r.voltage),
  unit: r.unit,
});

const kilowattsText = (watts: number | null) => (watts === null ? '' : String(watts / 1000));

/** '' → null, '22' → 22000; anything else as typed, so that the API names the problem. */
function kilowattsToWatts(text: string): number | string | null {
  const kw = numberOrNull(text);
  return typeof kw === 'number' ? Math.round(kw * 1000) : kw;
}

export function EvseRows({ rows, onChange, err }: { rows: EvseRow[]; onChange(rows: EvseRow[]): void; err(field: string): string | undefined }) {
  return (
    <fieldset class="site-form__group">
      <legend>EVSEs</legend>
      <EditableRows rows={rows} onChange={onChange} blank={() => blankEvseRow(rows.length + 1)} addLabel="Add EVSE" testId="evse-rows">
        {(row, update, i) => (
          <>
            <InputField id={`evse-${i}-id`} label="EVSE" type="number" value={row.evseId} onInput={(evseId) => update({ evseId })} error={err(`evses.${i}.evseId`)} />
            <label class="field">
              <span>Type</span>
              <select value={row.kind} onChange={(e) => update({ kind: e.currentTarget.value as 'AC' | 'DC' })}>
                <option>AC</option>
                <option>DC</option>
              </select>
            </label>
            <label class="field">
              <span>Phases</span>
              <select
                value={row.phases}
                onChange={(e) => {
                  const phases = Number(e.currentTarget.value) as 1 | 2 | 3;
                  update({ phases, rotation: ROTATIONS[phases]![0]! });
                }}
              >
                {[1, 2, 3].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span>Wired to</span>
              <select value={row.rotation} onChange={(e) => update({ rotation: e.currentTarget.value })}>
                {ROTATIONS[row.phases]!.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              {err(`evses.${i}.rotation`) && <span class="field__error">{err(`evses.${i}.rotation`)}</span>}
            </label>
            <InputField id={`evse-${i}-min`} label="Min (A)" type="number" value={row.minCurrent} onInput={(minCurrent) => update({ minCurrent })} error={err(`evses.${i}.minCurrentA`)} />
            <InputField id={`evse-${i}-max`} label="Max (A)" type="number" value={row.maxCurrent} onInput={(maxCurrent) => update({ maxCurrent })} error={err(`evses.${i}.maxCurrentA`)} />
            <InputField id={`evse-${i}-max-kw`} label="Max (kW)" type="number" value={row.maxPowerKw} onInput={(maxPowerKw) => update({ maxPowerKw })} error={err(`evses.${i}.maxPowerW`)} />
            {row.kind === 'DC' && (
              <InputField id={`evse-${i}-min-kw`} label="Min (kW)" type="number" value={row.minPowerKw} onInput={(minPowerKw) => update({ minPowerKw })} error={err(`evses.${i}.minPowerW`)} hint="lowest output it keeps up" />
            )}
            <InputField id={`evse-${i}-voltage`} label="Voltage (V)" type="number" value={row.voltage} onInput={(voltage) => update({ voltage })} error={err(`evses.${i}.voltageV`)} hint="empty: the site's" />
            <label class="field">
              <span>Rate unit</span>
              <select value={row.unit} onChange={(e) => update({ unit: e.currentTarget.value as 'A' | 'W' })}>
                <option>A</option>
                <option>W</option>
              </select>
            </label>
          </>
        )}
      </EditableRows>
    </fieldset>
  );
}
