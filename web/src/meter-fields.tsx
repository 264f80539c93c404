// A circuit's site meter (pushed by another system or read over Modbus TCP: a known model, or a register map of its
// own) and the worst-case load assumed while it is silent.
import { describedBy, FormField } from './form-field.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, perPhaseFromText, perPhaseText, textOf } from './input-values.ts';
import { RegisterMapFields, registerMapDraft, registerMapFromDraft, type RegisterMapDraft } from './register-map-fields.tsx';
import type { Circuit, RegisterMap } from './site-api.ts';

/** The preset choice that means "the register map below". */
const CUSTOM = 'custom';

export interface MeterDraft {
  kind: '' | 'push' | 'modbus';
  measures: 'non-charger' | 'total';
  staleAfter: string;
  host: string;
  port: string;
  unitId: string;
  /** A preset's name, or CUSTOM. */
  preset: string;
  registers: RegisterMapDraft;
  poll: string;
  timeout: string;
  fallbackLoad: string;
}

export const meterDraft = (c: Circuit | undefined): MeterDraft => {
  const m = c?.meter ?? null;
  return {
    kind: m?.kind ?? '',
    measures: m?.measures ?? 'non-charger',
    staleAfter: textOf(m?.staleAfterSeconds ?? 15),
    host: m?.modbus?.host ?? '',
    port: textOf(m?.modbus?.port ?? 502),
    unitId: textOf(m?.modbus?.unitId ?? 1),
    // A register map given with a preset overrides it.
    preset: m?.modbus?.registers ? CUSTOM : (m?.modbus?.preset ?? ''),
    registers: registerMapDraft(m?.modbus?.registers),
    poll: textOf(m?.modbus?.pollSeconds ?? 2),
    timeout: textOf(m?.modbus?.timeoutMs ?? 1500),
    fallbackLoad: perPhaseText(c?.fallbackLoadA ?? null),
  };
};

/** The circuit fields: `meter` and `fallbackLoadA`. */
export function meterFromDraft(d: MeterDraft) {
  const modbus = {
    host: d.host.trim(),
    port: numberOrNull(d.port) ?? 502,
    unitId: numberOrNull(d.unitId) ?? 1,
    ...(d.preset === CUSTOM ? { registers: registerMapFromDraft(d.registers) } : d.preset ? { preset: d.preset } : {}),
    pollSeconds: numberOrNull(d.poll) ?? 2,
    timeoutMs: numberOrNull(d.timeout) ?? 1500,
  };
  const meter = d.kind === '' ? null : { kind: d.kind, measures: d.measures, staleAfterSeconds: numberOrNull(d.staleAfter) ?? 15, ...(d.kind === 'modbus' ? { modbus } : {}) };
  return { meter, fallbackLoadA: perPhaseFromText(d.fallbackLoad) };
}

export function MeterFields({ draft, presets, onChange, err }: { draft: MeterDraft; presets: Record<string, RegisterMap>; onChange(draft: MeterDraft): void; err(field: string): string | undefined }) {
  const set = (change: Partial<MeterDraft>) => onChange({ ...draft, ...change });
  const choose = (preset: string) => {
    // Own map started from the model chosen before, when nothing was typed into it yet.
    const blank = draft.registers.currentA.every((f) => f.address.trim() === '');
    set(preset === CUSTOM && blank && presets[draft.preset] ? { preset, registers: registerMapDraft(presets[draft.preset]) } : { preset });
  };
  return (
    <fieldset class="site-form__group" data-testid="circuit-meter">
      <legend>Site meter</legend>
      <div class="form-grid">
        <FormField id="meter-kind" label="Meter">
          <select id="meter-kind" value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value as MeterDraft['kind'] })}>
            <option value="">None</option>
            <option value="push">Readings pushed to the API</option>
            <option value="modbus">Modbus TCP</option>
          </select>
        </FormField>
        {draft.kind !== '' && (
          <>
            <FormField id="meter-measures" label="It measures">
              <select id="meter-measures" value={draft.measures} onChange={(e) => set({ measures: e.currentTarget.value as MeterDraft['measures'] })}>
                <option value="non-charger">Other load only</option>
                <option value="total">Chargers included</option>
              </select>
            </FormField>
            <InputField id="meter-stale" label="Silent after (s)" type="number" value={draft.staleAfter} onInput={(staleAfter) => set({ staleAfter })} error={err('meter.staleAfterSeconds')} />
          </>
        )}
        {draft.kind === 'modbus' && (
          <>
            <InputField id="meter-host" label="Host" value={draft.host} onInput={(host) => set({ host })} error={err('meter.modbus.host') ?? err('meter.modbus')} hint="IP address or name on the depot LAN" />
            <InputField id="meter-port" label="Port" type="number" value={draft.port} onInput={(port) => set({ port })} error={err('meter.modbus.port')} />
            <InputField id="meter-unit" label="Unit ID" type="number" value={draft.unitId} onInput={(unitId) => set({ unitId })} error={err('meter.modbus.unitId')} />
            <FormField id="meter-preset" label="Meter model" error={err('meter.modbus.preset')}>
              <select id="meter-preset" value={draft.preset} onChange={(e) => choose(e.currentTarget.value)} aria-describedby={describedBy('meter-preset', err('meter.modbus.preset'))}>
                <option value="">Choose a model</option>
                {Object.keys(presets).map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
                <option value={CUSTOM}>Own register map</option>
              </select>
            </FormField>
            <InputField id="meter-poll" label="Read every (s)" type="number" value={draft.poll} onInput={(poll) => set({ poll })} error={err('meter.modbus.pollSeconds')} />
            <InputField id="meter-timeout" label="Answer within (ms)" type="number" value={draft.timeout} onInput={(timeout) => set({ timeout })} error={err('meter.modbus.timeoutMs')} />
          </>
        )}
        <InputField
          id="circuit-fallback-load"
          label="Worst-case other load (A)"
          value={draft.fallbackLoad}
          onInput={(fallbackLoad) => set({ fallbackLoad })}
          error={err('fallbackLoadA')}
          hint={draft.kind === '' ? 'assumed always, e.g. 10 or 10 / 5 / 5' : 'assumed while the meter is silent'}
        />
      </div>
      {draft.kind === 'modbus' && draft.preset === CUSTOM && <RegisterMapFields draft={draft.registers} onChange={(registers) => set({ registers })} err={err} />}
    </fieldset>
  );
}
