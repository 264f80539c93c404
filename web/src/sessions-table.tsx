import type { Transaction } from './domain-api.ts';
import { formatDateTime } from './format.ts';
import { href } from './router.ts';
import { formatEnergy, formatPower, sessionEnergyWh } from './units.ts';

export function SessionsTable({ items, showStation = true }: { items: Transaction[]; showStation?: boolean }) {
  const showEnded = items.some((tx) => tx.status === 'ended');
  return (
    <div class="table-scroll">
      <table class="data-table" data-testid="sessions-table">
        <thead>
          <tr>
            <th>Session</th>
            {showStation && <th>Station</th>}
            <th>EVSE</th>
            <th>ID token</th>
            <th>Started</th>
            {showEnded && <th>Ended</th>}
            <th class="num">Power</th>
            <th class="num">Energy</th>
          </tr>
        </thead>
        <tbody>
          {items.map((tx) => (
            <tr key={tx.id} data-testid="session-row" data-session-id={tx.id} data-status={tx.status}>
              <td>
                <a href={href('sessions', tx.id)}>#{tx.id}</a> {showEnded && tx.status === 'active' && <span class="tag tag--active">active</span>}
              </td>
              {showStation && (
                <td>
                  <a href={href('stations', tx.stationId)}>{tx.stationId}</a>
                </td>
              )}
              <td>
                {tx.evseId}/{tx.connectorId}
              </td>
              <td class="mono">{tx.idToken ?? '—'}</td>
              <td>{formatDateTime(tx.startedAt)}</td>
              {showEnded && <td>{tx.endedAt ? formatDateTime(tx.endedAt) : '—'}</td>}
              <td class="num" data-testid="session-power">
                {tx.status === 'active' ? formatPower(tx.lastPowerW) : '—'}
              </td>
              <td class="num" data-testid="session-energy">
                {formatEnergy(sessionEnergyWh(tx))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
