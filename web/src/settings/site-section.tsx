// Site settings (PATCH /settings, admins) with the API's field-level errors, and the site CA chargers must trust.
import { useEffect, useState } from 'preact/hooks';
import { describeError, request } from '../api.ts';
import { FormOutcome } from '../form-outcome.tsx';
import { InputField } from '../input-field.tsx';
import { useFormSubmit } from '../use-form-submit.ts';

interface SiteSettings {
  siteName: string;
  gridLimitA: number | null;
  acceptUnknownStations: boolean;
  freeVend: boolean;
  remoteStartTimeoutSeconds: number;
}

const FIELDS = ['siteName', 'gridLimitA', 'remoteStartTimeoutSeconds'];

export function SiteSection({ canEdit }: { canEdit: boolean }) {
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const form = useFormSubmit();

  useEffect(() => {
    request<SiteSettings>('GET', '/settings').then(setSettings, (e: unknown) => setLoadError(describeError(e)));
  }, []);

  const save = () =>
    void form.submit(async () => {
      const { siteName, gridLimitA, acceptUnknownStations, freeVend, remoteStartTimeoutSeconds } = settings!;
      setSettings(await request<SiteSettings>('PATCH', '/settings', { body: { siteName, acceptUnknownStations, freeVend, remoteStartTimeoutSeconds, ...(gridLimitA !== null ? { gridLimitA } : {}) } }));
    }, 'Saved.');
  const set = (changes: Partial<SiteSettings>) => settings && setSettings({ ...settings, ...changes });

  return (
    <>
      <section class="panel" data-testid="charger-security">
        <header class="panel__header">
          <h2>Charger security</h2>
        </header>
        <p>
          Chargers that connect over TLS (security profiles 2 and 3) must trust this site's certificate authority. Install it on each
          charger as its CSMS / Central System root certificate:{' '}
          <a href="/pki/ca.pem" download="ampyard-site-ca.pem" data-testid="ca-download">
            site CA (PEM)
          </a>{' '}
          or{' '}
          <a href="/pki/ca.crt" download="ampyard-site-ca.crt">
            DER
          </a>
          . Compare its SHA-256 fingerprint with the one the appliance prints at start.
        </p>
      </section>
      <section class="panel">
        <header class="panel__header">
          <h2>Site</h2>
        </header>
        {loadError && <p class="result result--error">{loadError}</p>}
        {settings && (
          <form
            class="settings-form"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <fieldset disabled={!canEdit} class="plain-fieldset">
              <InputField id="site-name" label="Site name" value={settings.siteName} onInput={(siteName) => set({ siteName })} error={form.err('siteName')} />
              <InputField
                id="grid-limit"
                label="Grid connection limit (A per phase)"
                type="number"
                value={settings.gridLimitA === null ? '' : String(settings.gridLimitA)}
                onInput={(v) => set({ gridLimitA: v === '' ? null : Number(v) })}
                error={form.err('gridLimitA')}
              />
              <InputField
                id="remote-start-timeout"
                label="Remote start timeout (s)"
                type="number"
                value={String(settings.remoteStartTimeoutSeconds)}
                onInput={(v) => set({ remoteStartTimeoutSeconds: Number(v) })}
                error={form.err('remoteStartTimeoutSeconds')}
              />
              <label class="checkbox">
                <input type="checkbox" checked={settings.acceptUnknownStations} onChange={(e) => set({ acceptUnknownStations: e.currentTarget.checked })} /> Accept unknown chargers at once (installation mode)
              </label>
              <label class="checkbox">
                <input type="checkbox" checked={settings.freeVend} onChange={(e) => set({ freeVend: e.currentTarget.checked })} /> Free vend: any ID token may charge
              </label>
            </fieldset>
            {canEdit ? (
              <div>
                <button class="button button--primary" disabled={form.busy}>
                  Save
                </button>
              </div>
            ) : (
              <p class="panel__note">Only admins can change the site settings.</p>
            )}
            <FormOutcome form={form} shown={(f) => FIELDS.includes(f)} testId="site-settings" />
          </form>
        )}
      </section>
    </>
  );
}
