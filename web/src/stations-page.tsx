import { useState } from 'preact/hooks';
import { ErrorBanner } from './error-banner.tsx';
import { FleetSummary } from './fleet-summary.tsx';
import { PendingStations } from './pending-stations.tsx';
import type { Station } from './station-types.ts';
import { StationsTable } from './stations-table.tsx';
import type { LiveStations } from './use-live-stations.ts';

type StateFilter = 'all' | 'online' | 'offline' | 'charging' | 'faulted';

function matches(station: Station, search: string, state: StateFilter): boolean {
  const text = [station.id, station.vendor, station.model, station.serialNumber].join(' ').toLowerCase();
  if (search && !text.includes(search.toLowerCase())) return false;
  const statuses = [station.status, ...station.evses.flatMap((e) => e.connectors.map((c) => c.status))];
  switch (state) {
    case 'online':
      return station.connected;
    case 'offline':
      return !station.connected;
    case 'charging':
      return statuses.includes('charging');
    case 'faulted':
      return statuses.includes('faulted');
    default:
      return true;
  }
}

export function StationsPage({ live }: { live: LiveStations }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState<StateFilter>('all');
  const pending = live.stations.filter((s) => s.registration === 'pending');
  const known = live.stations.filter((s) => s.registration !== 'pending');
  const shown = known.filter((s) => matches(s, search.trim(), state));
  return (
    <main class="page">
      {live.loadError && <ErrorBanner testId="load-error" title="Could not load stations." message={`${live.loadError} Retrying…`} />}
      {live.actionError && <ErrorBanner testId="action-error" title="Action failed." message={live.actionError} onDismiss={live.dismissActionError} />}
      <PendingStations stations={pending} busy={live.busy} onApprove={live.approve} onReject={live.reject} />
      {known.length > 0 && <FleetSummary stations={known} />}
      {known.length > 0 && (
        <div class="toolbar">
          <input type="search" placeholder="Search id, vendor, model, serial" value={search} onInput={(e) => setSearch(e.currentTarget.value)} data-testid="station-search" aria-label="Search stations" />
          <select value={state} onChange={(e) => setState(e.currentTarget.value as StateFilter)} aria-label="Show stations">
            <option value="all">All stations</option>
            <option value="online">Connected</option>
            <option value="offline">Offline</option>
            <option value="charging">Charging</option>
            <option value="faulted">Faulted</option>
          </select>
          {shown.length !== known.length && <span class="muted">{shown.length} of {known.length} shown</span>}
        </div>
      )}
      {known.length > 0 && shown.length === 0 ? (
        <section class="panel">
          <p class="empty">No station matches the search.</p>
        </section>
      ) : (
        <StationsTable stations={shown} loaded={live.loaded} failing={live.loadError !== null} />
      )}
    </main>
  );
}
