// Fleet vehicles: list with each one's current plan, create/edit/delete for operators and admins.
import { useState } from 'preact/hooks';
import { describeError } from './api.ts';
import { daysText } from './day-picker.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { useSession } from './session.tsx';
import { deleteVehicle, type Vehicle } from './site-api.ts';
import { RowActions } from './row-actions.tsx';
import { useSiteData } from './use-site-data.ts';
import { VehicleForm } from './vehicle-form.tsx';
import { allocationOfVehicle, PlanTag } from './vehicle-plan.tsx';

const target = (d: Vehicle['departures'][number]) =>
  d.targetEnergyKwh !== undefined ? `${d.targetEnergyKwh} kWh` : d.targetSocPct !== undefined ? `${d.targetSocPct} %` : 'full';
const orDash = (x: number | null, unit: string) => (x === null ? '—' : `${x} ${unit}`);

export function FleetVehiclesPage() {
  const canEdit = useSession().user.role !== 'viewer';
  const { site, allocations, reload } = useSiteData();
  const [editing, setEditing] = useState<{ vehicle?: Vehicle } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const vehicles = site.data?.vehicles;

  const remove = async (v: Vehicle) => {
    if (!confirm(`Delete vehicle ${v.name}?`)) return;
    setActionError(null);
    try {
      await deleteVehicle(v.id);
      reload();
    } catch (error) {
      setActionError(describeError(error));
    }
  };

  return (
    <main class="page" data-testid="fleet-vehicles-page">
      {(actionError ?? site.error) && <ErrorBanner testId="fleet-error" title="Failed." message={actionError ?? site.error ?? ''} onDismiss={() => setActionError(null)} />}
      <section class="panel">
        <header class="panel__header">
          <h2>Fleet vehicles {vehicles && <span class="count">{vehicles.length}</span>}</h2>
          {canEdit && (
            <button type="button" class="button" onClick={() => setEditing({})} data-testid="vehicle-new">
              New vehicle
            </button>
          )}
        </header>
        {editing && (
          <VehicleForm
            key={editing.vehicle?.id ?? 'new'}
            vehicle={editing.vehicle}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              reload();
            }}
          />
        )}
        {vehicles && vehicles.length === 0 ? (
          <p class="empty">No fleet vehicles yet.</p>
        ) : (
          <div class="table-scroll">
            <table class="data-table" data-testid="vehicles-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID tokens</th>
                  <th>Battery</th>
                  <th>Max charge</th>
                  <th>Priority</th>
                  <th>Departures</th>
                  <th>Plan now</th>
                  {canEdit && <th />}
                </tr>
              </thead>
              <tbody>
                {vehicles?.map((v) => (
                  <tr key={v.id} data-testid="vehicle-row" data-vehicle-id={v.id}>
                    <td>{v.name}</td>
                    <td class="mono">{v.idTokens.join(', ') || '—'}</td>
                    <td>{orDash(v.batteryKwh, 'kWh')}</td>
                    <td>{orDash(v.maxChargeKw, 'kW')}</td>
                    <td>{v.priority}</td>
                    <td>{v.departures.map((d) => `${daysText(d.days)} ${d.at}: ${target(d)}`).join('; ') || '—'}</td>
                    <td>
                      <PlanTag allocation={allocationOfVehicle(v.id, allocations.data)} />
                    </td>
                    {canEdit && <RowActions onEdit={() => setEditing({ vehicle: v })} onDelete={() => void remove(v)} testIdPrefix="vehicle" />}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
