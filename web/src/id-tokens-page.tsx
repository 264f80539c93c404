// ID tokens (RFID cards etc.): search, create with field-level errors, block/unblock, delete.
import { useState } from 'preact/hooks';
import { ApiError, describeError, type FieldError } from './api.ts';
import { createIdToken, deleteIdToken, fetchIdTokens, updateIdToken, type IdToken } from './domain-api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, fieldError, FormField } from './form-field.tsx';
import { formatDateTime } from './format.ts';
import { usePoll } from './use-poll.ts';

const PAGE_SIZE = 50;
const TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress'];

export function IdTokensPage() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const list = usePoll(() => fetchIdTokens(search.trim(), offset, PAGE_SIZE), [search, offset], 0);
  const [actionError, setActionError] = useState<string | null>(null);

  const act = async (work: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await work();
      list.reload();
    } catch (error) {
      setActionError(describeError(error));
    }
  };
  const total = list.data?.total;
  const count = list.data?.items.length ?? 0;

  return (
    <main class="page" data-testid="id-tokens-page">
      <NewIdToken onCreated={list.reload} />
      <section class="panel">
        <header class="panel__header">
          <h2>ID tokens {total !== undefined && <span class="count">{total}</span>}</h2>
          <input
            type="search"
            placeholder="Search token or label"
            value={search}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              setOffset(0);
            }}
            data-testid="id-token-search"
          />
        </header>
        {(actionError ?? list.error) && <ErrorBanner testId="action-error" title="Failed." message={actionError ?? list.error ?? ''} onDismiss={() => setActionError(null)} />}
        {list.data && count === 0 ? (
          <p class="empty">No ID tokens{search ? ' match' : ' yet'}.</p>
        ) : (
          <div class="table-scroll">
            <table class="data-table" data-testid="id-tokens-table">
              <thead>
                <tr>
                  <th>Token</th>
                  <th>Label</th>
                  <th>Type</th>
                  <th>Group</th>
                  <th>Expires</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data?.items.map((t) => (
                  <TokenRow key={t.token} token={t} act={act} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total !== undefined && total > PAGE_SIZE && (
          <footer class="pager">
            <button class="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </button>
            <span class="muted">
              {offset + 1}–{offset + count} of {total}
            </span>
            <button class="button" disabled={offset + count >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Next
            </button>
          </footer>
        )}
      </section>
    </main>
  );
}

function TokenRow({ token: t, act }: { token: IdToken; act: (work: () => Promise<unknown>) => Promise<void> }) {
  return (
    <tr data-testid="id-token-row" data-token={t.token}>
      <td class="mono">{t.token}</td>
      <td>{t.label ?? '—'}</td>
      <td>{t.type}</td>
      <td>{t.groupId ?? '—'}</td>
      <td>{t.expiresAt ? formatDateTime(t.expiresAt) : '—'}</td>
      <td>
        <span class={`tag tag--${t.status}`} data-testid="id-token-status">
          {t.status}
        </span>
      </td>
      <td class="cell-actions">
        {t.status === 'blocked' ? (
          <button class="button button--quiet" onClick={() => void act(() => updateIdToken(t.token, { status: 'accepted' }))}>
            Unblock
          </button>
        ) : (
          <button class="button button--quiet" onClick={() => void act(() => updateIdToken(t.token, { status: 'blocked' }))} data-testid="id-token-block">
            Block
          </button>
        )}
        <button
          class="button button--quiet"
          onClick={() => {
            if (confirm(`Delete ID token ${t.token}?`)) void act(() => deleteIdToken(t.token));
          }}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function NewIdToken({ onCreated }: { onCreated: () => void }) {
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
          <input id="token-group" value={groupId} onInput={(e) => setGroupId(e.currentTarget.value)} />
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
