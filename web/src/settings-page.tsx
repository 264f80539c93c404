// Site settings (PATCH /settings) with the API's field-level errors.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, request, type FieldError } from './api.ts';
import { describedBy, fieldError, FormField } from './form-field.tsx';

interface SiteSettings {
  siteName: string;
  gridLimitA: number | null;
  acceptUnknownStations: boolean;
  freeVend: boolean;
  remoteStartTimeoutSeconds: number;
}

export function SettingsPage() {
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request<SiteSettings>('GET', '/settings').then(setSettings, (e: unknown) => setLoadError(describeError(e)));
  }, []);

  const save = async () => {
    if (!settings) return;
    setBusy(true);
    setErrors([]);
    setMessage(null);
    try {
      const { siteName, gridLimitA, acceptUnknownStations, freeVend, remoteStartTimeoutSeconds } = settings;
      setSettings(await request<SiteSettings>('PATCH', '/settings', { body: { siteName, acceptUnknownStations, freeVend, remoteStartTimeoutSeconds, ...(gridLimitA !== null ? { gridLimitA } : {}) } }));
      setMessage('Saved.');
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields.length > 0 ? error.fields : [{ field: '(form)', message: describeError(error) }]);
    } finally {
      setBusy(false);
    }
  };
  const set = (changes: Partial<SiteSettings>) => settings && setSettings({ ...settings, ...changes });
  const err = (name: string) => fieldError(errors, name);

  return (
    <main class="page" data-testid="settings-page">
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
              void save();
            }}
          >
            <FormField id="site-name" label="Site name" error={err('siteName')}>
              <input id="site-name" value={settings.siteName} onInput={(e) => set({ siteName: e.currentTarget.value })} aria-describedby={describedBy('site-name', err('siteName'))} />
            </FormField>
            <FormField id="grid-limit" label="Grid connection limit (A per phase)" error={err('gridLimitA')}>
              <input id="grid-limit" type="number" step="any" value={settings.gridLimitA ?? ''} onInput={(e) => set({ gridLimitA: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })} />
            </FormField>
            <FormField id="remote-start-timeout" label="Remote start timeout (s)" error={err('remoteStartTimeoutSeconds')}>
              <input id="remote-start-timeout" type="number" value={settings.remoteStartTimeoutSeconds} onInput={(e) => set({ remoteStartTimeoutSeconds: Number(e.currentTarget.value) })} />
            </FormField>
            <label class="checkbox">
              <input type="checkbox" checked={settings.acceptUnknownStations} onChange={(e) => set({ acceptUnknownStations: e.currentTarget.checked })} /> Accept unknown chargers at once (installation mode)
            </label>
            <label class="checkbox">
              <input type="checkbox" checked={settings.freeVend} onChange={(e) => set({ freeVend: e.currentTarget.checked })} /> Free vend: any ID token may charge
            </label>
            {errors.filter((e) => e.field === '(form)' || e.field === '(body)').map((e) => (
              <p key={e.message} class="result result--error">
                {e.message}
              </p>
            ))}
            <div>
              <button class="button button--primary" disabled={busy}>
                Save
              </button>
              {message && <span class="result result--ok"> {message}</span>}
            </div>
          </form>
        )}
        <p class="panel__note">Users, API tokens, webhooks and security settings are available through the REST API (/api/v1) for now.</p>
      </section>
    </main>
  );
}
