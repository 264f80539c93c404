import { formatDateTime } from './format.ts';
import type { Station } from './station-types.ts';

export function ConnectionBadge({ station }: { station: Station }) {
  const title = station.connected
    ? `Connected since ${formatDateTime(station.connectedAt)}`
    : `Last seen ${formatDateTime(station.lastSeen)}`;
  return (
    <span
      class={`badge ${station.connected ? 'badge--connected' : 'badge--disconnected'}`}
      data-testid="connection-badge"
      data-connected={String(station.connected)}
      title={title}
    >
      {station.connected ? 'Connected' : 'Disconnected'}
    </span>
  );
}
