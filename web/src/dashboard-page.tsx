// Site overview: power now against the grid limit per phase, 24 h of site power (live), stations by state,
// active sessions, vehicles at risk of not being ready, active alarms. `data-ready` is set once the chart is
// drawn and the station counts are shown (the UI benchmark waits for it).
import { fetchAlarms, fetchTransactions } from './domain-api.ts';
import { formatDateTime } from './format.ts';
import { FleetSummary } from './fleet-summary.tsx';
import { request } from './api.ts';
import { PhaseBars } from './phase-bars.tsx';
import { href } from './router.ts';
import { SessionsTable } from './sessions-table.tsx';
import { fetchAllocations } from './site-power-api.ts';
import { SitePowerChart } from './site-power-chart.tsx';
import type { Station } from './station-types.ts';
import { formatPower } from './units.ts';
import { useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';
import { useEffect, useRef } from 'preact/hooks';
import { useSitePower } from './use-site-power.ts';
import { VehiclesAtRisk } from './vehicles-at-risk.tsx';

interface SiteSettings {
  siteName: string;
  gridLimitA: number | null;
}

export function DashboardPage({ stations, loaded = true }: { stations: Station[]; loaded?: boolean }) {
  const active = usePoll(() => fetchTransactions({ status: 'active', limit: 200 }), [], 10_000);
  const alarms = usePoll(() => fetchAlarms(), [], 30_000);
  const allocations = usePoll(() => fetchAllocations(), [], 30_000);
  useEventRefresh(['transaction.started', 'transaction.updated', 'transaction.ended'], active.reload);
  useEventRefresh(['alarm.raised', 'alarm.cleared'], alarms.reload);
  useEventRefresh(['allocation.changed'], allocations.reload);
  const settings = usePoll(() => request<SiteSettings>('GET', '/settings'), [], 0);
  const circuits = usePoll(() => request<{ items: unknown[] }>('GET', '/site/circuits'), [], 30_000);
  const power = useSitePower();
  const sessions = active.data?.items ?? [];
  const latest = power.latest;
  const known = stations.filter((s) => s.registration === 'accepted');
  const pending = stations.filter((s) => s.registration === 'pending').length;
  const ready = loaded && power.series !== undefined;
  const page = useRef<HTMLElement>(null);
  useEffect(() => {
    // After the children's effects: the chart is drawn by now. Marked once, for the UI benchmark.
    if (!ready || page.current?.dataset['ready']) return;
    page.current!.dataset['ready'] = 'true';
    performance.mark('dashboard-ready');
  }, [ready]);

  return (
    <main class="page" data-testid="dashboard" ref={page}>
      <section class="panel">
        <header class="panel__header">
          <h2>{settings.data?.siteName || 'Site'}</h2>
          {pending > 0 && (
            <a class="panel__hint" href={href('stations')}>
              {pending} station{pending === 1 ? '' : 's'} awaiting approval
            </a>
          )}
        </header>
        <dl class="summary">
          <div class="summary__item summary__item--hero">
            <dt>Site power now</dt>
            <dd data-testid="site-power">{latest ? formatPower(latest.powerW) : '—'}</dd>
          </div>
          <div class="summary__item">
            <dt>Grid limit</dt>
            <dd data-testid="grid-limit">{latest?.limitW ? formatPower(latest.limitW) : settings.data?.gridLimitA ? `${settings.data.gridLimitA} A / phase` : 'not set'}</dd>
          </div>
          <div class="summary__item">
            <dt>Building load</dt>
            <dd data-testid="building-load">{latest?.buildingW !== null && latest?.buildingW !== undefined ? formatPower(latest.buildingW) : 'not metered'}</dd>
          </div>
          <div class="summary__item">
            <dt>Active sessions</dt>
            <dd data-testid="active-sessions-count">{sessions.length}</dd>
          </div>
        </dl>
        <PhaseBars sample={latest} />
        {power.error && <p class="result result--error">{power.error}</p>}
        {power.series && <SitePowerChart series={power.series} />}
        {circuits.data && circuits.data.items.length === 0 && (
          <p class="panel__note">Load management: not configured yet — Ampyard does not limit charging power against the grid limit until a circuit is set up (API: /api/v1/site/circuits).</p>
        )}
        {circuits.data && circuits.data.items.length > 0 && (
          <p class="panel__note">Load management: active on {circuits.data.items.length} circuit(s); allocations and their reasons at /api/v1/site/allocations.</p>
        )}
      </section>
      {known.length > 0 && <FleetSummary stations={known} />}
      <section class="panel">
        <header class="panel__header">
          <h2>Active sessions</h2>
          <a class="panel__hint" href={href('sessions')}>
            All sessions
          </a>
        </header>
        {active.data && sessions.length === 0 ? <p class="empty">No vehicle is charging.</p> : <SessionsTable items={sessions} />}
      </section>
      <VehiclesAtRisk sessions={allocations.data?.evses} />
      <section class={`panel${alarms.data && alarms.data.items.length > 0 ? ' panel--attention' : ''}`} data-testid="alarms">
        <header class="panel__header">
          <h2>Active alarms {alarms.data && <span class="count">{alarms.data.items.length}</span>}</h2>
        </header>
        {alarms.error && <p class="result result--error">{alarms.error}</p>}
        {alarms.data && alarms.data.items.length === 0 && <p class="empty">No active alarms.</p>}
        <ul class="plain-list">
          {alarms.data?.items.map((a) => (
            <li key={a.id}>
              <span class="muted">{formatDateTime(a.timestamp)}</span> <a href={href('stations', a.stationId)}>{a.stationId}</a>{' '}
              <strong>{[a.component, a.variable].filter(Boolean).join(' / ') || a.trigger}</strong> {a.actualValue} {a.techInfo ?? ''}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
