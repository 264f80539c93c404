// The form for one new ID token, with the API's field-level errors; the group is picked from the known groups or typed.
import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from '../api.ts';
import { createIdToken } from '../domain-api.ts';
import { describedBy, fieldError, FormField } from '../form-field.tsx';
import type { IdTokenGroup } from './id-tokens-api.ts';

const TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress'];

export function NewIdToken({ onCreated, groups }: { onCreated: () => void; groups: IdTokenGroup[] }) {
  const [token, setToken] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState(TYPES[0]);
  const [groupId, setGroupId] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setErrors([]);
    setMessage(null);
    try {
      const created = await createIdToken({ token: token.trim(), type, ...(label.trim() ? { label: label.trim() } : {}), ...(groupId.trim() ? { groupId: groupId.trim() } : {}) });
      setMessage(`Created ${created.token}.`);
      setToken('');
      setLabel('');
      setGroupId('');
      onCreated();
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) setErrors(error.fields);
      else setErrors([{ field: error instanceof ApiError && error.status === 409 ? 'token' : '(form)', message: describeError(error) }]);
    } finally {
      setBusy(false);
    }
  };
  const tokenError = fieldError(errors, 'token');
  const formError = errors.filter((e) => !['token', 'label', 'type', 'groupId'].includes(e.field)).map((e) => `${e.field}: ${e.message}`)[0];

  return (
    <section class="panel">
      <header class="panel__header">
        <h2>New ID token</h2>
      </header>
      <form
        class="form-row"
        data-testid="id-token-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <FormField id="token-value" label="Token" error={tokenError}>
          <input id="token-value" value={token} onInput={(e) => setToken(e.currentTarget.value)} aria-invalid={tokenError ? true : undefined} aria-describedby={describedBy('token-value', tokenError)} />
        </FormField>
        <FormField id="token-label" label="Label" error={fieldError(errors, 'label')}>
          <input id="token-label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </FormField>
        <FormField id="token-type" label="Type" error={fieldError(errors, 'type')}>
          <select id="token-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </FormField>
        <FormField id="token-group" label="Group" error={fieldError(errors, 'groupId')}>
          <input id="token-group" list="token-group-options" value={groupId} onInput={(e) => setGroupId(e.currentTarget.value)} />
          <datalist id="token-group-options">
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.label ?? g.id}
              </option>
            ))}
          </datalist>
        </FormField>
        <button class="button button--primary form-row__submit" disabled={busy} data-testid="id-token-create">
          Add
        </button>
      </form>
      {formError && <p class="result result--error">{formError}</p>}
      {message && (
        <p class="result result--ok" role="status">
          {message}
        </p>
      )}
    </section>
  );
}
