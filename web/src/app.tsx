import { AppHeader } from './app-header.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { FleetSummary } from './fleet-summary.tsx';
import { PendingStations } from './pending-stations.tsx';
import { StationsTable } from './stations-table.tsx';
import { useLiveStations } from './use-live-stations.ts';

export function App() {
  const live = useLiveStations();
  const pending = live.stations.filter((s) => s.registration === 'pending');
  const known = live.stations.filter((s) => s.registration !== 'pending');

  return (
    <>
      <AppHeader stream={live.stream} />
      <main class="page">
        {live.loadError && (
          <ErrorBanner
            testId="load-error"
            title="Could not load stations."
            message={`${live.loadError} Retrying…`}
          />
        )}
        {live.actionError && (
          <ErrorBanner testId="action-error" title="Action failed." message={live.actionError} onDismiss={live.dismissActionError} />
        )}
        <PendingStations stations={pending} busy={live.busy} onApprove={live.approve} onReject={live.reject} />
        {known.length > 0 && <FleetSummary stations={known} />}
        <StationsTable stations={known} loaded={live.loaded} failing={live.loadError !== null} />
      </main>
    </>
  );
}
