// The load-management switch, the site's nominal voltage, time zone, energy prices and tuning (PATCH /site/config).
import { useState } from 'preact/hooks';
import { daysText } from './day-picker.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import { PriceWindowsEditor, priceRows, pricesFromRows } from './price-windows-editor.tsx';
import { SiteForm } from './site-form.tsx';
import { isTuningField, TuningFields, tuningFromRows, tuningRows, useTuningDefaults } from './tuning-fields.tsx';
import { updateSiteConfig, type SiteConfig } from './site-api.ts';
import { useFormSubmit } from './use-form-submit.ts';

export function SiteConfigForm({ config, canEdit, onSaved }: { config: SiteConfig; canEdit: boolean; onSaved(): void }) {
  const [enabled, setEnabled] = useState(config.enabled);
  const [voltage, setVoltage] = useState(String(config.voltageV));
  const [timeZone, setTimeZone] = useState(config.timeZone);
  const [defaultPrice, setDefaultPrice] = useState(textOf(config.prices.default));
  const [windows, setWindows] = useState(priceRows(config.prices.windows));
  const [tuning, setTuning] = useState(tuningRows(config.balancer, config.driver));
  const defaults = useTuningDefaults();
  const form = useFormSubmit();
  if (!canEdit) {
    return (
      <p class="panel__note" data-testid="site-config">
        Load management is {config.enabled ? 'on' : 'off'} · {config.voltageV} V · site time zone {config.timeZone} · {pricesText(config.prices)}
      </p>
    );
  }
  const save = async () => {
    if (await form.submit(() => updateSiteConfig({ enabled, voltageV: numberOrNull(voltage), timeZone: timeZone.trim(), prices: { default: numberOrNull(defaultPrice), windows: pricesFromRows(windows) }, ...tuningFromRows(tuning) }), 'Saved.')) onSaved();
  };
  return (
    <SiteForm form={form} shown={(f) => f === 'voltageV' || f === 'timeZone' || f === 'prices.default' || /^prices\.windows\.\d+(\.(from|to|price))?$/.test(f) || isTuningField(f)} testId="site-config-form" submitLabel="Save settings" onSubmit={() => void save()}>
      <div class="form-grid">
        <label class="checkbox">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Load management on (off: Ampyard sends no limits)
        </label>
        <InputField id="site-voltage" label="Nominal voltage (V)" type="number" value={voltage} onInput={setVoltage} error={form.err('voltageV')} />
        <InputField id="site-time-zone" label="Site time zone" value={timeZone} onInput={setTimeZone} error={form.err('timeZone')} hint="IANA name, e.g. Europe/Berlin; schedules use it" />
        <InputField id="site-price" label="Energy price per kWh" type="number" value={defaultPrice} onInput={setDefaultPrice} error={form.err('prices.default')} hint="outside the windows below; empty: no price" />
      </div>
      <PriceWindowsEditor rows={windows} onChange={setWindows} err={form.err} />
      <TuningFields rows={tuning} onChange={setTuning} err={form.err} defaults={defaults} />
    </SiteForm>
  );
}

function pricesText(prices: SiteConfig['prices']): string {
  const windows = prices.windows.map((w) => `${w.price} ${daysText(w.days)} ${w.from}–${w.to}`);
  if (prices.default === null && windows.length === 0) return 'no energy prices';
  return `energy ${[prices.default === null ? null : `${prices.default} per kWh`, ...windows].filter(Boolean).join(', ')}`;
}
