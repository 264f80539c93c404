// API tokens for integrations: create (the secret is shown once), list, revoke (admins only).
import { DataTable } from '../data-table.tsx';
import { useState } from 'preact/hooks';
import { FormOutcome } from '../form-outcome.tsx';
import { formatDateTime } from '../format.ts';
import { InputField } from '../input-field.tsx';
import { useSession } from '../session.tsx';
import { useFormSubmit } from '../use-form-submit.ts';
import { usePoll } from '../use-poll.ts';
import { SecretOnce } from './secret-once.tsx';
import { createApiToken, fetchApiTokens, revokeApiToken } from './settings-api.ts';
import { useRowAction } from './use-row-action.tsx';

export function ApiTokensSection() {
  const tokens = usePoll(fetchApiTokens, [], 0);
  const action = useRowAction(tokens.reload);
  return (
    <>
      <NewApiToken onCreated={tokens.reload} />
      <section class="panel" data-testid="api-tokens-section">
        <header class="panel__header">
          <h2>API tokens</h2>
        </header>
        <p class="panel__note">Integrations send a token as "Authorization: Bearer &lt;token&gt;" and act as its user, with the user's role.</p>
        {action.view}
        {tokens.data?.items.length === 0 ? (
          <p class="empty">No API tokens yet.</p>
        ) : (
          <DataTable testId="api-tokens-table" columns={['Name', 'User', 'Starts with', 'Created', 'Last used', '']}>
            {tokens.data?.items.map((t) => (
              <tr key={t.id} data-testid="api-token-row" data-name={t.name}>
                <td>{t.name || '—'}</td>
                <td>{t.username}</td>
                <td class="mono">{t.prefix}…</td>
                <td>{formatDateTime(t.createdAt)}</td>
                <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
                <td class="cell-actions">
                  <button class="button button--quiet" onClick={() => confirm(`Revoke the token ${t.name || t.prefix}? Integrations using it stop working.`) && action.run(() => revokeApiToken(t.id), 'Token revoked.')}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

function NewApiToken({ onCreated }: { onCreated: () => void }) {
  const me = useSession().user;
  const [name, setName] = useState('');
  const [username, setUsername] = useState(me.username);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useFormSubmit();
  const save = async () => {
    const ok = await form.submit(async () => setSecret((await createApiToken({ username: username.trim(), name: name.trim() })).token));
    if (ok) {
      setName('');
      onCreated();
    }
  };
  return (
    <section class="panel">
      <header class="panel__header">
        <h2>New API token</h2>
      </header>
      <form
        class="form-row"
        data-testid="api-token-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <InputField id="api-token-name" label="Name" value={name} onInput={setName} error={form.err('name')} placeholder="e.g. ERP export" />
        <InputField id="api-token-user" label="For user" value={username} onInput={setUsername} error={form.err('username')} />
        <button class="button button--primary form-row__submit" disabled={form.busy} data-testid="api-token-create">
          Create token
        </button>
      </form>
      <FormOutcome form={form} shown={(f) => f === 'name' || f === 'username'} testId="api-token-form" />
      {secret && <SecretOnce label="The new API token." secret={secret} testId="api-token-secret" onDone={() => setSecret(null)} />}
    </section>
  );
}
