import { ConnectionBadge } from './connection-badge.tsx';
import { formatDateTime, vendorAndModel } from './format.ts';
import type { Station } from './station-types.ts';
import type { StationAction } from './use-live-stations.ts';

export interface PendingStationsProps {
  stations: Station[];
  busy: ReadonlyMap<string, StationAction>;
  onApprove(id: string): void;
  onReject(id: string): void;
}

/** Stations that connected with an unknown id and wait for an operator's decision. */
export function PendingStations({ stations, busy, onApprove, onReject }: PendingStationsProps) {
  if (stations.length === 0) return null;
  return (
    <section class="panel panel--attention" data-testid="pending-section" aria-labelledby="pending-title">
      <header class="panel__header">
        <h2 id="pending-title">
          Awaiting approval <span class="count">{stations.length}</span>
        </h2>
        <p class="panel__hint">These stations connected with an id Ampyard does not know. Approve only stations you recognise.</p>
      </header>
      <ul class="pending-list">
        {stations.map((station) => {
          const action = busy.get(station.id);
          return (
            <li key={station.id} class="pending-item" data-testid="pending-station" data-station-id={station.id}>
              <div class="pending-item__main">
                <span class="station-id">{station.id}</span>
                <ConnectionBadge station={station} />
              </div>
              <dl class="pending-item__facts">
                <div>
                  <dt>Vendor / model</dt>
                  <dd>{vendorAndModel(station)}</dd>
                </div>
                <div>
                  <dt>OCPP</dt>
                  <dd>{station.ocppVersion ?? '—'}</dd>
                </div>
                <div>
                  <dt>Serial</dt>
                  <dd>{station.serialNumber ?? '—'}</dd>
                </div>
                <div>
                  <dt>Last seen</dt>
                  <dd>{formatDateTime(station.lastSeen)}</dd>
                </div>
              </dl>
              <div class="pending-item__actions">
                <button
                  type="button"
                  class="button button--primary"
                  data-testid="approve-button"
                  disabled={action !== undefined}
                  onClick={() => onApprove(station.id)}
                >
                  {action === 'approve' ? 'Approving…' : 'Approve'}
                </button>
                <button
                  type="button"
                  class="button button--danger"
                  data-testid="reject-button"
                  disabled={action !== undefined}
                  onClick={() => onReject(station.id)}
                >
                  {action === 'reject' ? 'Rejecting…' : 'Reject'}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
