import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from './api.ts';
import { AuthCard } from './auth-card.tsx';
import { signIn, type User } from './auth-api.ts';
import { describedBy, fieldError, FormField } from './form-field.tsx';

export function LoginPage({ notice, onSignedIn }: { notice: string | null; onSignedIn(user: User): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldError[]>([]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFields([]);
    try {
      onSignedIn(await signIn(username.trim(), password));
    } catch (e) {
      setFields(e instanceof ApiError ? e.fields : []);
      setError(e instanceof ApiError && e.fields.length ? null : describeError(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const usernameError = fieldError(fields, 'username');
  const passwordError = fieldError(fields, 'password');
  return (
    <AuthCard title="Sign in">
      {notice && !error && (
        <p class="auth-notice" role="status" data-testid="login-notice">
          {notice}
        </p>
      )}
      {error && (
        <p class="auth-error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <form class="auth-form" data-testid="login-form" onSubmit={submit} noValidate>
        <FormField id="login-username" label="Username" error={usernameError}>
          <input
            id="login-username"
            name="username"
            autocomplete="username"
            autoFocus
            required
            value={username}
            aria-invalid={usernameError ? true : undefined}
            aria-describedby={describedBy('login-username', usernameError)}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </FormField>
        <FormField id="login-password" label="Password" error={passwordError}>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={describedBy('login-password', passwordError)}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </FormField>
        <button type="submit" class="button button--primary auth-form__submit" data-testid="login-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
