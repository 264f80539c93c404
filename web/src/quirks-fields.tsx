// How a station deviates from OCPP smart charging, as the load balancer uses it (BalancerQuirks).
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import type { BalancerQuirks } from './site-api.ts';

export interface QuirksDraft {
  stackLevel0Only: boolean;
  noTxProfile: boolean;
  ignoresLimits: boolean;
  unitOnly: '' | 'A' | 'W';
  minCurrent: string;
  step: string;
}

export const quirksDraft = (q: BalancerQuirks | undefined): QuirksDraft => ({
  stackLevel0Only: q?.stackLevel0Only ?? false,
  noTxProfile: q?.noTxProfile ?? false,
  ignoresLimits: q?.ignoresLimits ?? false,
  unitOnly: q?.unitOnly ?? '',
  minCurrent: textOf(q?.minCurrentA),
  step: textOf(q?.stepA),
});

export const quirksFromDraft = (d: QuirksDraft) => ({
  stackLevel0Only: d.stackLevel0Only,
  noTxProfile: d.noTxProfile,
  ignoresLimits: d.ignoresLimits,
  unitOnly: d.unitOnly === '' ? null : d.unitOnly,
  minCurrentA: numberOrNull(d.minCurrent),
  stepA: numberOrNull(d.step),
});

/** The quirks in a few words, for the stations table; '' when it has none. */
export function quirksText(q: BalancerQuirks | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  if (q.stepA !== null) parts.push(q.stepA === 1 ? 'whole amps only' : `steps of ${q.stepA} A`);
  if (q.minCurrentA !== null) parts.push(`at least ${q.minCurrentA} A`);
  if (q.unitOnly !== null) parts.push(`${q.unitOnly} only`);
  if (q.stackLevel0Only) parts.push('stack level 0 only');
  if (q.noTxProfile) parts.push('no TxProfile');
  if (q.ignoresLimits) parts.push('ignores limits');
  return parts.join(', ');
}

export function QuirksFields({ draft, onChange, err }: { draft: QuirksDraft; onChange(draft: QuirksDraft): void; err(field: string): string | undefined }) {
  const set = (change: Partial<QuirksDraft>) => onChange({ ...draft, ...change });
  const check = (key: 'stackLevel0Only' | 'noTxProfile' | 'ignoresLimits', label: string) => (
    <label class="checkbox">
      <input type="checkbox" checked={draft[key]} onChange={(e) => set({ [key]: e.currentTarget.checked })} /> {label}
    </label>
  );
  return (
    <fieldset class="site-form__group" data-testid="station-quirks">
      <legend>Quirks</legend>
      <div class="form-grid">
        <InputField id="quirk-step" label="Limit step (A)" type="number" value={draft.step} onInput={(step) => set({ step })} error={err('quirks.stepA')} placeholder="0.1" hint="1 for a station that takes whole amps only" />
        <InputField id="quirk-min" label="Lowest current it takes (A)" type="number" value={draft.minCurrent} onInput={(minCurrent) => set({ minCurrent })} error={err('quirks.minCurrentA')} hint="when above the EVSE minimum" />
        <label class="field">
          <span>Rate unit it takes</span>
          <select value={draft.unitOnly} onChange={(e) => set({ unitOnly: e.currentTarget.value as QuirksDraft['unitOnly'] })}>
            <option value="">as set per EVSE</option>
            <option value="A">A only</option>
            <option value="W">W only</option>
          </select>
        </label>
      </div>
      <div class="form-grid">
        {check('stackLevel0Only', 'Takes profiles at stack level 0 only')}
        {check('noTxProfile', 'Refuses TxProfile (limits go out as TxDefaultProfile)')}
        {check('ignoresLimits', 'Ignores limits (its maximum is always reserved)')}
      </div>
    </fieldset>
  );
}
