// Per fleet vehicle: where it charges now, how fast and why, and whether it makes its departure.
import { daysText } from './day-picker.tsx';
import type { Allocations, Vehicle } from './site-api.ts';
import { allocationOfVehicle, allocationText, PlanTag } from './vehicle-plan.tsx';

export function VehiclePlansTable({ vehicles, allocations }: { vehicles: Vehicle[]; allocations: Allocations | undefined }) {
  if (vehicles.length === 0) return <p class="empty">No fleet vehicles.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table" data-testid="vehicle-plans">
        <thead>
          <tr>
            <th>Vehicle</th>
            <th>At</th>
            <th>Now</th>
            <th>Why</th>
            <th>Departures</th>
            <th>Plan</th>
          </tr>
        </thead>
        <tbody>
          {vehicles.map((v) => {
            const a = allocationOfVehicle(v.id, allocations);
            return (
              <tr key={v.id} data-testid="vehicle-plan-row" data-vehicle-id={v.id}>
                <td>{v.name}</td>
                <td>{a ? `${a.stationId} · ${a.evseId}` : '—'}</td>
                <td class="nowrap">{a ? allocationText(a) : '—'}</td>
                <td>{a?.reason ?? '—'}</td>
                <td>{v.departures.map((d) => `${daysText(d.days)} ${d.at}`).join('; ') || '—'}</td>
                <td>
                  <PlanTag allocation={a} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
