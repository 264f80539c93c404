// The load-management switch, the site's nominal voltage and time zone (PATCH /site/config).
import { useState } from 'preact/hooks';
import { InputField } from './input-field.tsx';
import { numberOrNull } from './input-values.ts';
import { SiteForm } from './site-form.tsx';
import { updateSiteConfig, type SiteConfig } from './site-api.ts';
import { useFormSubmit } from './use-form-submit.ts';

export function SiteConfigForm({ config, canEdit, onSaved }: { config: SiteConfig; canEdit: boolean; onSaved(): void }) {
  const [enabled, setEnabled] = useState(config.enabled);
  const [voltage, setVoltage] = useState(String(config.voltageV));
  const [timeZone, setTimeZone] = useState(config.timeZone);
  const form = useFormSubmit();
  if (!canEdit) {
    return (
      <p class="panel__note" data-testid="site-config">
        Load management is {config.enabled ? 'on' : 'off'} · {config.voltageV} V · site time zone {config.timeZone}
      </p>
    );
  }
  const save = async () => {
    if (await form.submit(() => updateSiteConfig({ enabled, voltageV: numberOrNull(voltage), timeZone: timeZone.trim() }), 'Saved.')) onSaved();
  };
  return (
    <SiteForm form={form} shown={(f) => f === 'voltageV' || f === 'timeZone'} testId="site-config-form" submitLabel="Save settings" onSubmit={() => void save()}>
      <div class="form-grid">
        <label class="checkbox">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Load management on (off: Ampyard sends no limits)
        </label>
        <InputField id="site-voltage" label="Nominal voltage (V)" type="number" value={voltage} onInput={setVoltage} error={form.err('voltageV')} />
        <InputField id="site-time-zone" label="Site time zone" value={timeZone} onInput={setTimeZone} error={form.err('timeZone')} hint="IANA name, e.g. Europe/Berlin; schedules use it" />
      </div>
    </SiteForm>
  );
}
