import { ConnectionBadge } from './connection-badge.tsx';
import { ConnectorChips } from './connector-chips.tsx';
import { formatDateTime, ocppEndpointHint } from './format.ts';
import { href } from './router.ts';
import type { Station } from './station-types.ts';

export interface StationsTableProps {
  stations: Station[];
  /** True once the list has been fetched; live events may fill the table before that. */
  loaded: boolean;
  /** True while fetching the list fails. */
  failing: boolean;
}

/** Accepted and rejected stations (pending ones are listed under "Awaiting approval"). */
export function StationsTable({ stations, loaded, failing }: StationsTableProps) {
  return (
    <section class="panel" data-testid="stations-section" aria-labelledby="stations-title">
      <header class="panel__header">
        <h2 id="stations-title">
          Stations {(loaded || stations.length > 0) && <span class="count">{stations.length}</span>}
        </h2>
      </header>
      {!loaded && stations.length === 0 ? (
        <p class="empty">{failing ? 'The station list is not available yet.' : 'Loading stations…'}</p>
      ) : stations.length === 0 ? (
        <p class="empty" data-testid="stations-empty">
          No stations yet. Set a charging station's central system URL to <code>{ocppEndpointHint()}</code>.
        </p>
      ) : (
        <div class="table-scroll">
          <table class="stations-table" data-testid="stations-table">
            <thead>
              <tr>
                <th scope="col">Station</th>
                <th scope="col">OCPP</th>
                <th scope="col">Vendor / model</th>
                <th scope="col" class="col-firmware">Firmware</th>
                <th scope="col">Last seen</th>
                <th scope="col">Connectors</th>
              </tr>
            </thead>
            <tbody>
              {stations.map((station) => (
                <StationRow key={station.id} station={station} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StationRow({ station }: { station: Station }) {
  return (
    <tr
      data-testid="station-row"
      data-station-id={station.id}
      data-registration={station.registration}
      class={station.connected ? undefined : 'is-offline'}
    >
      <th scope="row">
        <div class="station-id">
          <a href={href('stations', station.id)} data-testid="station-link">
            {station.id}
          </a>
        </div>
        <div class="station-badges">
          <ConnectionBadge station={station} />
          {station.registration === 'rejected' && (
            <span class="badge badge--rejected" data-testid="rejected-badge">
              Rejected
            </span>
          )}
        </div>
      </th>
      <td data-testid="ocpp-version">{station.ocppVersion ?? '—'}</td>
      <td>
        <div>{station.vendor ?? '—'}</div>
        {station.model && <div class="secondary">{station.model}</div>}
        {station.firmwareVersion && <div class="secondary firmware-inline">Firmware {station.firmwareVersion}</div>}
      </td>
      <td class="mono col-firmware" data-testid="firmware">
        {station.firmwareVersion ?? '—'}
      </td>
      <td class="last-seen" data-testid="last-seen">
        <time dateTime={station.lastSeen ?? undefined}>{formatDateTime(station.lastSeen)}</time>
      </td>
      <td>
        <ConnectorChips station={station} />
      </td>
    </tr>
  );
}
