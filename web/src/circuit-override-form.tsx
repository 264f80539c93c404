// Sets a limit for now on a circuit (a grid operator signal, a derated feeder), optionally until a time.
import { useState } from 'preact/hooks';
import { InputField } from './input-field.tsx';
import { given, perPhaseFromText } from './input-values.ts';
import { SiteForm } from './site-form.tsx';
import { setOverride, type Circuit } from './site-api.ts';
import { useFormSubmit } from './use-form-submit.ts';

export function CircuitOverrideForm({ circuit, onSaved, onCancel }: { circuit: Circuit; onSaved(): void; onCancel(): void }) {
  const [limit, setLimit] = useState('');
  const [until, setUntil] = useState('');
  const form = useFormSubmit();
  const save = async () => {
    // datetime-local is the browser's local time; the API takes an absolute time.
    const untilIso = until ? new Date(until).toISOString() : null;
    if (await form.submit(() => setOverride(circuit.id, given({ limitA: perPhaseFromText(limit), until: untilIso })))) onSaved();
  };
  return (
    <SiteForm form={form} shown={(f) => f === 'limitA'} testId="override-form" inline submitLabel="Set override" onSubmit={() => void save()} onCancel={onCancel}>
      <InputField id={`override-${circuit.id}-limit`} label="Limit for now (A)" value={limit} onInput={setLimit} error={form.err('limitA')} />
      <label class="field">
        <span>Until (your time, optional)</span>
        <input type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
      </label>
    </SiteForm>
  );
}
