// The stations in the site model: the circuit each is on and how its EVSEs are wired.
import { RowActions } from './row-actions.tsx';
import type { EvseElectrical, StationElectrical } from './site-api.ts';

const evseText = (e: EvseElectrical) =>
  `EVSE ${e.evseId}: ${e.kind} ${e.phases}φ ${e.rotation.join(' ')}, ${e.minCurrentA ?? 6}–${e.maxCurrentA ?? '?'} A${e.unit === 'W' ? ', in W' : ''}`;

export interface SiteStationsTableProps {
  stations: StationElectrical[];
  circuitName(id: string): string;
  canEdit: boolean;
  onEdit(station: StationElectrical): void;
  onRemove(station: StationElectrical): void;
}

export function SiteStationsTable({ stations, circuitName, canEdit, onEdit, onRemove }: SiteStationsTableProps) {
  if (stations.length === 0) return <p class="empty">No station is on a circuit yet.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table" data-testid="site-stations">
        <thead>
          <tr>
            <th>Station</th>
            <th>Circuit</th>
            <th>EVSEs</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {stations.map((s) => (
            <tr key={s.stationId} data-testid="site-station-row" data-station-id={s.stationId}>
              <td class="mono">{s.stationId}</td>
              <td>{circuitName(s.circuitId)}</td>
              <td>{s.evses.length ? s.evses.map(evseText).join('; ') : 'not described: AC, 3 phases, 32 A assumed'}</td>
              {canEdit && <RowActions onEdit={() => onEdit(s)} onDelete={() => onRemove(s)} deleteLabel="Remove" testIdPrefix="site-station" />}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
