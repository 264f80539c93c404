// ID tokens (RFID cards etc.): search, create with field-level errors, block/unblock, delete; groups, CSV import
// and whether each station has the current local list.
import { useState } from 'preact/hooks';
import { describeError } from './api.ts';
import { deleteIdToken, fetchIdTokens, updateIdToken, type IdToken } from './domain-api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { formatDateTime } from './format.ts';
import { CsvImportPanel } from './id-tokens/csv-import-panel.tsx';
import { GroupsPanel } from './id-tokens/groups-panel.tsx';
import { fetchGroups } from './id-tokens/id-tokens-api.ts';
import { LocalListPanel } from './id-tokens/local-list-panel.tsx';
import { NewIdToken } from './id-tokens/new-id-token.tsx';
import { useSession } from './session.tsx';
import { usePoll } from './use-poll.ts';

const PAGE_SIZE = 50;

export function IdTokensPage() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const list = usePoll(() => fetchIdTokens(search.trim(), offset, PAGE_SIZE), [search, offset], 0);
  const groups = usePoll(fetchGroups, [], 0);
  // Viewers may look but not change (src/auth/access-rules.ts): no import, no group changes.
  const canEdit = useSession().user.role !== 'viewer';
  const reloadAll = () => {
    list.reload();
    groups.reload();
  };
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
      <NewIdToken onCreated={reloadAll} groups={groups.data?.items ?? []} />
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
      <GroupsPanel groups={groups} onChanged={reloadAll} canEdit={canEdit} />
      {canEdit && <CsvImportPanel onImported={reloadAll} />}
      <LocalListPanel />
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
