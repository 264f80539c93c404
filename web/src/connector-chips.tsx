import { formatDateTime, statusLabel, statusTone, visibleErrorCode } from './format.ts';
import type { Station } from './station-types.ts';

/** One chip per connector: "EVSE/connector  Status  ErrorCode". */
export function ConnectorChips({ station }: { station: Station }) {
  const connectors = station.evses.flatMap((evse) => evse.connectors.map((connector) => ({ evseId: evse.evseId, connector })));
  const stationError = visibleErrorCode(station.errorCode);
  const showStationStatus = stationError !== null || station.status === 'faulted' || station.status === 'unavailable';

  if (connectors.length === 0 && !showStationStatus) return <span class="muted">No connectors reported</span>;

  return (
    <ul class="chips" aria-label={`Connectors of ${station.id}`}>
      {showStationStatus && (
        <li class={`chip chip--${statusTone(station.status)}`} data-testid="station-status-chip" data-status={station.status ?? ''}>
          <span class="chip__position">Station</span>
          <span class="chip__status">{statusLabel(station.status)}</span>
          {stationError && <span class="chip__error">{stationError}</span>}
        </li>
      )}
      {connectors.map(({ evseId, connector }) => {
        const errorCode = visibleErrorCode(connector.errorCode);
        const title = `EVSE ${evseId}, connector ${connector.connectorId}: ${statusLabel(connector.status)}${
          errorCode ? ` (${errorCode})` : ''
        }${connector.info ? ` — ${connector.info}` : ''}${connector.statusAt ? `\nReported ${formatDateTime(connector.statusAt)}` : ''}`;
        return (
          <li
            key={`${evseId}/${connector.connectorId}`}
            class={`chip chip--${statusTone(connector.status)}`}
            title={title}
            data-testid="connector-chip"
            data-evse={evseId}
            data-connector={connector.connectorId}
            data-status={connector.status ?? ''}
          >
            <span class="chip__position">
              {evseId}/{connector.connectorId}
            </span>
            <span class="chip__status">{statusLabel(connector.status)}</span>
            {errorCode && (
              <span class="chip__error" data-testid="connector-error">
                {errorCode}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
