import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from './api.ts';
import { AuthCard } from './auth-card.tsx';
import { completeSetup, type User } from './auth-api.ts';
import { describedBy, fieldError, FormField } from './form-field.tsx';

interface Draft {
  setupCode: string;
  username: string;
  password: string;
  passwordRepeat: string;
  siteName: string;
  gridLimitA: string;
  acceptUnknownStations: boolean;
}

const EMPTY: Draft = { setupCode: '', username: 'admin', password: '', passwordRepeat: '', siteName: '', gridLimitA: '', acceptUnknownStations: false };

/** First run: the installer proves access to the console (setup code), creates the admin and describes the site. */
export function SetupPage({ onDone }: { onDone(user: User): void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldError[]>([]);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (draft.password !== draft.passwordRepeat) {
      setFields([{ field: 'passwordRepeat', message: 'does not match the password' }]);
      return;
    }
    setFields([]);
    setBusy(true);
    try {
      const limit = draft.gridLimitA.trim() === '' ? null : Number(draft.gridLimitA);
      onDone(
        await completeSetup({
          setupCode: draft.setupCode,
          username: draft.username.trim(),
          password: draft.password,
          siteName: draft.siteName,
          gridLimitA: limit !== null && Number.isFinite(limit) ? limit : null,
          acceptUnknownStations: draft.acceptUnknownStations,
        }),
      );
    } catch (e) {
      setFields(e instanceof ApiError ? e.fields : []);
      setError(e instanceof ApiError && e.fields.length ? 'Please correct the marked fields.' : describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const text = (id: string, key: 'setupCode' | 'username' | 'password' | 'passwordRepeat' | 'siteName' | 'gridLimitA', label: string, extra: Record<string, unknown> = {}, hint?: string) => {
    const problem = fieldError(fields, key);
    return (
      <FormField id={id} label={label} error={problem} hint={hint}>
        <input
          id={id}
          name={key}
          value={draft[key]}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy(id, problem, hint)}
          onInput={(e) => set(key, e.currentTarget.value)}
          {...extra}
        />
      </FormField>
    );
  };

  return (
    <AuthCard title="Set up Ampyard" intro="Welcome. Create the first administrator and tell Ampyard about this depot.">
      {error && (
        <p class="auth-error" role="alert" data-testid="setup-error">
          {error}
        </p>
      )}
      <form class="auth-form" data-testid="setup-form" onSubmit={submit} noValidate>
        {text('setup-code', 'setupCode', 'Setup code', { autocomplete: 'off', spellcheck: false, autoFocus: true, class: 'mono' }, 'Printed on the appliance console when it started, e.g. 7KQM-X2CA-PZ9E.')}
        <fieldset class="auth-form__group">
          <legend>Administrator</legend>
          {text('setup-username', 'username', 'Username', { autocomplete: 'username' })}
          {text('setup-password', 'password', 'Password', { type: 'password', autocomplete: 'new-password' }, 'At least 8 characters.')}
          {text('setup-password-repeat', 'passwordRepeat', 'Repeat password', { type: 'password', autocomplete: 'new-password' })}
        </fieldset>
        <fieldset class="auth-form__group">
          <legend>Site</legend>
          {text('setup-site-name', 'siteName', 'Site name', { placeholder: 'e.g. North depot' })}
          {text('setup-grid-limit', 'gridLimitA', 'Grid connection limit (A per phase)', { type: 'number', inputMode: 'decimal', min: 1, step: 'any' }, 'The main fuse or contracted limit; charging is kept below it.')}
          <label class="checkbox" for="setup-accept-unknown">
            <input
              id="setup-accept-unknown"
              type="checkbox"
              name="acceptUnknownStations"
              checked={draft.acceptUnknownStations}
              onChange={(e) => set('acceptUnknownStations', e.currentTarget.checked)}
            />
            <span>
              Accept unknown chargers while installing
              <span class="field__hint">Chargers that connect are accepted at once. Turn this off in the settings when installation is done.</span>
            </span>
          </label>
          {fieldError(fields, 'acceptUnknownStations') && (
            <p class="field__error" data-testid="setup-accept-unknown-error">
              {fieldError(fields, 'acceptUnknownStations')}
            </p>
          )}
        </fieldset>
        <button type="submit" class="button button--primary auth-form__submit" data-testid="setup-submit" disabled={busy}>
          {busy ? 'Setting up…' : 'Create administrator and continue'}
        </button>
      </form>
    </AuthCard>
  );
}
