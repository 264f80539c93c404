// The stations in the site model: the circuit each is on, how its EVSEs are wired and its quirks.
import { quirksText } from './quirks-fields.tsx';
import { RowActions } from './row-actions.tsx';
import type { EvseElectrical, StationElectrical } from './site-api.ts';

const kw = (w: number | null) => (w === null ? null : `${w / 1000} kW`);
const evseText = (e: EvseElectrical) => {
  const rating = e.kind === 'DC' ? (kw(e.maxPowerW) ?? 'power not set') : [`${e.minCurrentA ?? 6}–${e.maxCurrentA ?? '?'} A`, kw(e.maxPowerW)].filter(Boolean).join(', ');
  return `EVSE ${e.evseId}: ${e.kind} ${e.phases}φ ${e.rotation.join(' ')}, ${rating}${e.unit === 'W' ? ', in W' : ''}`;
};

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
            <th>Quirks</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {stations.map((s) => (
            <tr key={s.stationId} data-testid="site-station-row" data-station-id={s.stationId}>
              <td class="mono">{s.stationId}</td>
              <td>{circuitName(s.circuitId)}</td>
              <td>{s.evses.length ? s.evses.map(evseText).join('; ') : 'not described: AC, 3 phases, 32 A assumed'}</td>
              <td data-testid="site-station-quirks">{quirksText(s.quirks) || '—'}</td>
              {canEdit && <RowActions onEdit={() => onEdit(s)} onDelete={() => onRemove(s)} deleteLabel="Remove" testIdPrefix="site-station" />}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
