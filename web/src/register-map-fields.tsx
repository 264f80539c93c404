// A site meter's own Modbus register map (a meter no preset knows): the table, and per phase where its current
// (and optionally its power) is, how it is encoded and scaled. Addresses are 0-based, as on the wire.
import { FormField } from './form-field.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import type { RegisterField, RegisterMap, RegisterType } from './site-api.ts';

const TYPES: RegisterType[] = ['float32', 'int32', 'uint32', 'int16', 'uint16'];
const PHASES = ['L1', 'L2', 'L3'];

interface FieldDraft {
  address: string;
  type: RegisterType;
  wordOrder: 'high' | 'low';
  scale: string;
}

export interface RegisterMapDraft {
  table: 'input' | 'holding';
  currentA: FieldDraft[];
  /** All three addresses empty: the meter's power is not read. */
  powerW: FieldDraft[];
}

const fieldDraft = (f: RegisterField | undefined): FieldDraft => ({ address: textOf(f?.address), type: f?.type ?? 'float32', wordOrder: f?.wordOrder ?? 'high', scale: textOf(f?.scale) });

export const registerMapDraft = (map: RegisterMap | undefined): RegisterMapDraft => ({
  table: map?.table ?? 'input',
  currentA: PHASES.map((_, i) => fieldDraft(map?.currentA[i])),
  powerW: PHASES.map((_, i) => fieldDraft(map?.powerW?.[i])),
});

function fieldFromDraft(d: FieldDraft) {
  const scale = numberOrNull(d.scale);
  return { address: numberOrNull(d.address), type: d.type, ...(d.type.endsWith('32') ? { wordOrder: d.wordOrder } : {}), ...(scale === null ? {} : { scale }) };
}

export function registerMapFromDraft(d: RegisterMapDraft) {
  const readsPower = d.powerW.some((f) => f.address.trim() !== '');
  return { table: d.table, currentA: d.currentA.map(fieldFromDraft), ...(readsPower ? { powerW: d.powerW.map(fieldFromDraft) } : {}) };
}

export function RegisterMapFields({ draft, onChange, err }: { draft: RegisterMapDraft; onChange(draft: RegisterMapDraft): void; err(field: string): string | undefined }) {
  const base = 'meter.modbus.registers';
  const rows = (quantity: 'currentA' | 'powerW', title: string) =>
    draft[quantity].map((field, i) => {
      const id = `register-${quantity}-${i}`;
      const path = `${base}.${quantity}.${i}`;
      const update = (change: Partial<FieldDraft>) => onChange({ ...draft, [quantity]: draft[quantity].map((f, j) => (j === i ? { ...f, ...change } : f)) });
      return (
        <div class="form-grid register-row" key={id} data-testid={id}>
          <InputField id={`${id}-address`} label={`${title} ${PHASES[i]}: address`} type="number" value={field.address} onInput={(address) => update({ address })} error={err(`${path}.address`) ?? err(path)} />
          <FormField id={`${id}-type`} label="Encoding" error={err(`${path}.type`)}>
            <select id={`${id}-type`} value={field.type} onChange={(e) => update({ type: e.currentTarget.value as RegisterType })}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </FormField>
          <FormField id={`${id}-order`} label="Word order" error={err(`${path}.wordOrder`)}>
            <select id={`${id}-order`} value={field.wordOrder} disabled={!field.type.endsWith('32')} onChange={(e) => update({ wordOrder: e.currentTarget.value as 'high' | 'low' })}>
              <option value="high">high word first</option>
              <option value="low">low word first</option>
            </select>
          </FormField>
          <InputField id={`${id}-scale`} label="Scale" type="number" value={field.scale} onInput={(scale) => update({ scale })} error={err(`${path}.scale`)} placeholder="1" />
        </div>
      );
    });
  return (
    <fieldset class="site-form__group" data-testid="register-map">
      <legend>Register map</legend>
      <p class="panel__note">
        0-based addresses as sent on the wire (register 30007 is input address 6). The raw value times the scale is the current in A or the power in W. Leave the
        power addresses empty if the meter's power is not to be read.
      </p>
      <div class="form-grid">
        <FormField id="register-table" label="Register table" error={err(`${base}.table`) ?? err(base)}>
          <select id="register-table" value={draft.table} onChange={(e) => onChange({ ...draft, table: e.currentTarget.value as 'input' | 'holding' })}>
            <option value="input">input registers (function 04)</option>
            <option value="holding">holding registers (function 03)</option>
          </select>
        </FormField>
      </div>
      {rows('currentA', 'Current')}
      {rows('powerW', 'Power')}
    </fieldset>
  );
}
