// The live allocation per EVSE with the constraint that binds it in words, and its projected ready time.
import { formatDateTime } from './format.ts';
import { href } from './router.ts';
import type { Allocations } from './site-api.ts';
import { allocationText } from './vehicle-plan.tsx';

const SENT: Record<string, string> = { 'not-sent': 'not sent', sending: 'sending', applied: 'applied', failed: 'failed' };

export function AllocationsTable({ allocations }: { allocations: Allocations }) {
  if (allocations.evses.length === 0 && allocations.offline.length === 0) return <p class="empty">Nothing is charging.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table" data-testid="allocations-table">
        <thead>
          <tr>
            <th>Station · EVSE</th>
            <th>Vehicle</th>
            <th>Allocated</th>
            <th>Measured</th>
            <th>Why</th>
            <th>Sent</th>
            <th>Delivered / needed</th>
            <th>Departs</th>
            <th>Ready</th>
          </tr>
        </thead>
        <tbody>
          {allocations.evses.map((a) => (
            <tr key={`${a.stationId}/${a.evseId}`} data-testid="allocation-row" data-station-id={a.stationId} data-evse-id={a.evseId}>
              <td>
                <a href={href('stations', a.stationId)}>{a.stationId}</a> · {a.evseId}
              </td>
              <td>{a.vehicle?.name ?? a.idToken ?? '—'}</td>
              <td class="nowrap" data-testid="allocation-current">
                {allocationText(a)}
              </td>
              <td class="nowrap">{a.measuredA ? `${a.measuredA.join(' / ')} A` : '—'}</td>
              <td data-testid="allocation-reason">{a.reason}</td>
              <td title={a.applied.problem ?? undefined}>{SENT[a.applied.status] ?? a.applied.status}</td>
              <td class="nowrap">
                {a.deliveredKwh ?? 0} / {a.needKwh === null ? '—' : `${a.needKwh} more`} kWh
              </td>
              <td class="nowrap">{formatDateTime(a.departureAt)}</td>
              <td class="nowrap">
                {formatDateTime(a.projectedReadyAt)}
                {a.atRisk && (
                  <span class="tag tag--blocked" data-testid="allocation-at-risk">
                    {a.shortfallKwh.toFixed(1)} kWh short
                  </span>
                )}
              </td>
            </tr>
          ))}
          {allocations.offline.map((o, i) => (
            <tr key={`offline-${i}`} class="muted">
              <td>
                {o.stationId ?? '?'} · {o.evseId ?? '?'}
              </td>
              <td>—</td>
              <td>{o.reservedA} A reserved</td>
              <td>—</td>
              <td colSpan={5}>{o.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
