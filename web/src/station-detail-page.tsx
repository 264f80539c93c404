// One station: connectors with live status, running sessions with live power, actions, certificates, firmware,
// logs, configuration, messages.
import { ConnectionBadge } from './connection-badge.tsx';
import { ConnectorChips } from './connector-chips.tsx';
import { fetchStation, fetchTransactions } from './domain-api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { formatDateTime, vendorAndModel } from './format.ts';
import { href } from './router.ts';
import { SessionsTable } from './sessions-table.tsx';
import { StationActions } from './station-actions.tsx';
import { StationConfig } from './station-config.tsx';
import { StationFirmware } from './station-firmware.tsx';
import { StationLogs } from './station-logs.tsx';
import { StationCertificates } from './station-certificates.tsx';
import { StationMessages, StationWarnings } from './station-messages.tsx';
import { StationQuirks } from './station-quirks.tsx';
import { forStation, useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';

export function StationDetailPage({ stationId }: { stationId: string }) {
  const station = usePoll(() => fetchStation(stationId), [stationId], 10_000);
  const active = usePoll(() => fetchTransactions({ stationId, status: 'active', limit: 20 }), [stationId], 10_000);
  useEventRefresh(['station.updated', 'connector.updated'], station.reload, forStation(stationId));
  useEventRefresh(['transaction.started', 'transaction.updated', 'transaction.ended'], active.reload, forStation(stationId));
  const s = station.data;

  return (
    <main class="page" data-testid="station-detail" data-station-id={stationId}>
      <p class="breadcrumb">
        <a href={href('stations')}>Stations</a> / {stationId}
      </p>
      {station.error && <ErrorBanner testId="load-error" title={`Could not load ${stationId}.`} message={station.error} />}
      {s && (
        <>
          <section class="panel">
            <header class="panel__header">
              <h2 class="station-title">{s.id}</h2>
              <ConnectionBadge station={s} />
            </header>
            <dl class="facts">
              <Fact label="Vendor / model" value={vendorAndModel(s)} />
              <Fact label="OCPP" value={s.ocppVersion ?? '—'} />
              <Fact label="Firmware" value={s.firmwareVersion ?? '—'} />
              <Fact label="Serial" value={s.serialNumber ?? '—'} />
              <Fact label="Last seen" value={formatDateTime(s.lastSeen)} />
              <Fact label="Last boot" value={formatDateTime(s.lastBootAt)} />
            </dl>
            <div class="facts__connectors">
              <ConnectorChips station={s} />
            </div>
          </section>
          <section class="panel" data-testid="station-sessions">
            <header class="panel__header">
              <h2>Current sessions {active.data && <span class="count">{active.data.items.length}</span>}</h2>
              <a class="panel__hint" href={`${href('sessions')}?stationId=${encodeURIComponent(s.id)}`}>
                All sessions of this station
              </a>
            </header>
            {active.data && active.data.items.length === 0 ? <p class="empty">No session running.</p> : <SessionsTable items={active.data?.items ?? []} showStation={false} />}
          </section>
          <StationActions station={s} active={active.data?.items ?? []} />
          <StationWarnings stationId={s.id} />
          <StationCertificates stationId={s.id} />
          <StationFirmware stationId={s.id} />
          <StationLogs station={s} />
          <StationConfig station={s} />
          <StationQuirks station={s} onSaved={station.reload} />
          <StationMessages stationId={s.id} />
        </>
      )}
    </main>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div class="facts__item">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
