// A circuit's site meter (pushed by another system or read over Modbus TCP) and the worst-case load assumed while
// it is silent. A custom register map set through the API is kept; the form picks presets only.
import { describedBy, FormField } from './form-field.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, perPhaseFromText, perPhaseText, textOf } from './input-values.ts';
import type { Circuit } from './site-api.ts';

export interface MeterDraft {
  kind: '' | 'push' | 'modbus';
  measures: 'non-charger' | 'total';
  staleAfter: string;
  host: string;
  port: string;
  unitId: string;
  preset: string;
  poll: string;
  fallbackLoad: string;
  /** What the form does not edit: a custom register map, the Modbus timeout. */
  kept: { registers?: unknown; timeoutMs?: number };
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
    preset: m?.modbus?.preset ?? '',
    poll: textOf(m?.modbus?.pollSeconds ?? 2),
    fallbackLoad: perPhaseText(c?.fallbackLoadA ?? null),
    kept: { ...(m?.modbus?.registers !== undefined ? { registers: m.modbus.registers } : {}), ...(m?.modbus?.timeoutMs !== undefined ? { timeoutMs: m.modbus.timeoutMs } : {}) },
  };
};

/** The circuit fields: `meter` and `fallbackLoadA`. */
export function meterFromDraft(d: MeterDraft) {
  const modbus = {
    host: d.host.trim(),
    port: numberOrNull(d.port) ?? 502,
    unitId: numberOrNull(d.unitId) ?? 1,
    ...(d.preset ? { preset: d.preset } : {}),
    pollSeconds: numberOrNull(d.poll) ?? 2,
    ...d.kept,
  };
  const meter = d.kind === '' ? null : { kind: d.kind, measures: d.measures, staleAfterSeconds: numberOrNull(d.staleAfter) ?? 15, ...(d.kind === 'modbus' ? { modbus } : {}) };
  return { meter, fallbackLoadA: perPhaseFromText(d.fallbackLoad) };
}

export function MeterFields({ draft, presets, onChange, err }: { draft: MeterDraft; presets: string[]; onChange(draft: MeterDraft): void; err(field: string): string | undefined }) {
  const set = (change: Partial<MeterDraft>) => onChange({ ...draft, ...change });
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
              <select id="meter-preset" value={draft.preset} onChange={(e) => set({ preset: e.currentTarget.value })} aria-describedby={describedBy('meter-preset', err('meter.modbus.preset'))}>
                <option value="">{draft.kept.registers !== undefined ? 'Custom register map (set through the API)' : 'Choose a model'}</option>
                {presets.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </FormField>
            <InputField id="meter-poll" label="Read every (s)" type="number" value={draft.poll} onInput={(poll) => set({ poll })} error={err('meter.modbus.pollSeconds')} />
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
    </fieldset>
  );
}
