// A station's brand quirks as Ampyard's protocol handling uses them (PATCH /stations/:id): the id-tag suffix its
// firmware appends, energy registers sent in kWh but labelled Wh (Ampyard finds these itself on 1.6 stations), and
// the id tag to start it with when a cable is plugged in (chargers without a free-vend mode of their own).
// Quirks this form does not know are kept.
import { useState } from 'preact/hooks';
import { FormActions } from './form-actions.tsx';
import { FormOutcome } from './form-outcome.tsx';
import { InputField } from './input-field.tsx';
import { updateStationQuirks } from './domain-api.ts';
import { useSession } from './session.tsx';
import type { Station } from './station-types.ts';
import { useFormSubmit } from './use-form-submit.ts';

export function StationQuirks({ station, onSaved }: { station: Station; onSaved(): void }) {
  const canChange = useSession().user.role !== 'viewer';
  const [separator, setSeparator] = useState(typeof station.quirks['idTagSuffixSeparator'] === 'string' ? station.quirks['idTagSuffixSeparator'] : '');
  const [kwhRegisters, setKwhRegisters] = useState(station.quirks['energyRegisterUnit'] === 'kWh');
  const [autoStart, setAutoStart] = useState(typeof station.quirks['autoStartIdTag'] === 'string' ? station.quirks['autoStartIdTag'] : '');
  const form = useFormSubmit();

  const save = async () => {
    const { idTagSuffixSeparator: _separator, energyRegisterUnit: _unit, autoStartIdTag: _autoStart, ...others } = station.quirks;
    const quirks = {
      ...others,
      ...(separator.trim() ? { idTagSuffixSeparator: separator.trim() } : {}),
      ...(kwhRegisters ? { energyRegisterUnit: 'kWh' } : {}),
      ...(autoStart.trim() ? { autoStartIdTag: autoStart.trim() } : {}),
    };
    if (await form.submit(() => updateStationQuirks(station.id, quirks), 'Saved.')) onSaved();
  };

  return (
    <section class="panel" data-testid="station-quirks">
      <header class="panel__header">
        <h2>Quirks</h2>
      </header>
      {canChange ? (
        <form
          class="site-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div class="form-grid">
            <InputField id="quirk-id-tag-suffix" label="Id-tag suffix separator" value={separator} onInput={setSeparator} error={form.err('quirks.idTagSuffixSeparator')} hint="e.g. _ when the charger sends TAG_12345 for TAG" />
            <InputField id="quirk-auto-start" label="Start on plug-in with id tag" value={autoStart} onInput={setAutoStart} error={form.err('quirks.autoStartIdTag')} hint="for chargers that charge only when started remotely" />
            <label class="checkbox">
              <input type="checkbox" checked={kwhRegisters} onChange={(e) => setKwhRegisters(e.currentTarget.checked)} /> Energy registers are kWh though labelled Wh
            </label>
          </div>
          <FormOutcome form={form} shown={(f) => f === 'quirks.idTagSuffixSeparator' || f === 'quirks.autoStartIdTag'} testId="station-quirks" />
          <FormActions busy={form.busy} testId="station-quirks" submitLabel="Save quirks" />
        </form>
      ) : (
        <p class="muted">{quirksText(station.quirks)}</p>
      )}
    </section>
  );
}

function quirksText(quirks: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof quirks['idTagSuffixSeparator'] === 'string') parts.push(`id tags carry a suffix after "${quirks['idTagSuffixSeparator']}"`);
  if (quirks['energyRegisterUnit'] === 'kWh') parts.push('energy registers are kWh though labelled Wh');
  if (typeof quirks['autoStartIdTag'] === 'string') parts.push(`started for "${quirks['autoStartIdTag']}" when a cable is plugged in`);
  return parts.length ? parts.join('; ') : 'None.';
}
