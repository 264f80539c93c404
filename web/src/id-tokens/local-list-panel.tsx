// Whether each station has the current local authorization list (the ID tokens it may accept offline).
import { DataTable } from '../data-table.tsx';
import { formatDateTime } from '../format.ts';
import { href } from '../router.ts';
import { usePoll } from '../use-poll.ts';
import { fetchLocalList } from './id-tokens-api.ts';

const SYNC_LABELS = { in_sync: 'up to date', out_of_date: 'out of date', failed: 'failed', unknown: 'not sent yet' } as const;
const SYNC_TONES = { in_sync: 'accepted', out_of_date: 'expired', failed: 'blocked', unknown: 'expired' } as const;

export function LocalListPanel() {
  const list = usePoll(fetchLocalList, [], 10000);
  const data = list.data;
  return (
    <section class="panel" data-testid="local-list-sync">
      <header class="panel__header">
        <h2>Local list on the stations</h2>
        {data && (
          <span class="muted">
            revision {data.revision}, {data.entries} token(s)
          </span>
        )}
      </header>
      {list.error && <p class="result result--error">{list.error}</p>}
      {data && data.items.length === 0 && <p class="empty">No stations yet.</p>}
      {data && data.items.length > 0 && (
        <DataTable columns={['Station', 'Sync', '#Changes to send', 'Last sent']}>
        {data.items.map((s) => (
          <tr key={s.stationId} data-testid="local-list-row" data-station={s.stationId}>
            <td>
              <a href={href('stations', s.stationId)}>{s.stationId}</a>
            </td>
            <td>
              <span class={`tag tag--${SYNC_TONES[s.syncStatus]}`}>{SYNC_LABELS[s.syncStatus]}</span>
            </td>
            <td class="num">{s.pendingChanges}</td>
            <td>{s.lastSent ? `version ${s.lastSent.version} (${s.lastSent.updateType}), ${s.lastSent.answer}, ${formatDateTime(s.lastSent.at)}` : '—'}</td>
          </tr>
        ))}
        </DataTable>
      )}
    </section>
  );
}
