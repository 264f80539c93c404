// Sessions the load balancer projects will not be ready by their departure (GET /api/v1/site/allocations).
import { formatDateTime } from './format.ts';
import { href } from './router.ts';
import type { AllocatedSession } from './site-power-api.ts';

export function VehiclesAtRisk({ sessions }: { sessions: AllocatedSession[] | undefined }) {
  const atRisk = (sessions ?? []).filter((s) => s.atRisk);
  return (
    <section class={`panel${atRisk.length > 0 ? ' panel--attention' : ''}`} data-testid="vehicles-at-risk">
      <header class="panel__header">
        <h2>Vehicles at risk {sessions && <span class="count">{atRisk.length}</span>}</h2>
      </header>
      {sessions && atRisk.length === 0 && <p class="empty">Every vehicle with a departure time is projected to be ready.</p>}
      <ul class="plain-list">
        {atRisk.map((s) => (
          <li key={s.transactionId}>
            <strong>{s.vehicle?.name ?? s.idToken ?? `session #${s.transactionId}`}</strong> at <a href={href('stations', s.stationId)}>{s.stationId}</a> / {s.evseId}:{' '}
            {s.shortfallKwh.toFixed(1)} kWh short
            {s.projectedReadyAt && <span class="muted"> (ready {formatDateTime(s.projectedReadyAt)})</span>} — {s.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
