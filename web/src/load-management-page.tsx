// Load management: the circuit tree with live load per phase, the allocation per EVSE and why, vehicles at risk and
// each vehicle's plan; admins (installers) also edit circuits, stations' wiring and the site settings.
import { useState } from 'preact/hooks';
import { describeError, fetchStations } from './api.ts';
import { AllocationsTable } from './allocations-table.tsx';
import { CircuitForm } from './circuit-form.tsx';
import { CircuitTree } from './circuit-tree.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { formatDateTime } from './format.ts';
import { useSession } from './session.tsx';
import { clearOverride, deleteCircuit, removeStationElectrical, type Circuit, type StationElectrical } from './site-api.ts';
import { SiteConfigForm } from './site-config-form.tsx';
import { SiteStationsTable } from './site-stations-table.tsx';
import { StationElectricalForm } from './station-electrical-form.tsx';
import { useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';
import { useSiteData } from './use-site-data.ts';
import { VehiclePlansTable } from './vehicle-plans-table.tsx';

type Editing = { kind: 'circuit'; circuit?: Circuit } | { kind: 'station'; electrical?: StationElectrical } | null;

const PLAN_MODES: Record<string, string> = { cheap: 'waiting for cheap hours', even: 'spreading charging evenly', asap: 'charging as soon as possible (a deadline is short)' };

export function LoadManagementPage() {
  const role = useSession().user.role;
  // The installation model (circuits, wiring, site settings) is the admin's; operators may limit a circuit for now.
  const canEdit = role === 'admin';
  const canOverride = role !== 'viewer';
  const { site, allocations, reload } = useSiteData();
  const stations = usePoll(() => (canEdit ? fetchStations() : Promise.resolve({ items: [], total: 0 })), [canEdit], 0);
  useEventRefresh(['station.updated'], stations.reload);
  const [editing, setEditing] = useState<Editing>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const act = async (work: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await work();
      reload();
    } catch (error) {
      setActionError(describeError(error));
    }
  };
  const saved = () => {
    setEditing(null);
    reload();
  };
  const model = site.data;
  const live = allocations.data;
  const circuitName = (id: string) => model?.circuits.find((c) => c.id === id)?.name || id;
  const atRisk = live?.evses.filter((e) => e.atRisk) ?? [];
  const unplaced = (stations.data?.items ?? []).filter((s) => !model?.stations.some((x) => x.stationId === s.id));
  const problems = live?.problems ?? model?.problems ?? [];

  return (
    <main class="page" data-testid="load-management-page">
      {(actionError ?? site.error ?? allocations.error) && (
        <ErrorBanner testId="load-management-error" title="Failed." message={actionError ?? site.error ?? allocations.error ?? ''} onDismiss={() => setActionError(null)} />
      )}
      <section class="panel">
        <header class="panel__header">
          <h2>Load management</h2>
          <span class="muted" data-testid="last-cycle">
            {live?.at ? `Allocated ${formatDateTime(live.at)}` : 'No allocation yet'}
            {live?.planMode ? ` · ${PLAN_MODES[live.planMode] ?? live.planMode}` : ''}
          </span>
        </header>
        {problems.length > 0 && (
          <ul class="result result--warn plain-list" data-testid="site-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {model && <SiteConfigForm key={model.config.timeZone + model.config.enabled} config={model.config} canEdit={canEdit} onSaved={reload} />}
      </section>

      <section class="panel">
        <header class="panel__header">
          <h2>Circuits</h2>
          {canEdit && (
            <button type="button" class="button" onClick={() => setEditing({ kind: 'circuit' })} data-testid="circuit-new">
              New circuit
            </button>
          )}
        </header>
        {editing?.kind === 'circuit' && model && <CircuitForm key={editing.circuit?.id ?? 'new'} circuit={editing.circuit} circuits={model.circuits} onSaved={saved} onCancel={() => setEditing(null)} />}
        {model && (
          <CircuitTree
            circuits={model.circuits}
            loads={live?.circuits ?? []}
            stations={model.stations}
            canEdit={canEdit}
            canOverride={canOverride}
            onEdit={(circuit) => setEditing({ kind: 'circuit', circuit })}
            onDelete={(c) => confirm(`Delete circuit ${c.id}?`) && void act(() => deleteCircuit(c.id))}
            onClearOverride={(c) => void act(() => clearOverride(c.id))}
            onChanged={reload}
          />
        )}
      </section>

      <section class="panel">
        <header class="panel__header">
          <h2>Stations on circuits</h2>
          {canEdit && unplaced.length > 0 && model && model.circuits.length > 0 && (
            <button type="button" class="button" onClick={() => setEditing({ kind: 'station' })} data-testid="station-place">
              Put a station on a circuit
            </button>
          )}
        </header>
        {editing?.kind === 'station' && model && (
          <StationElectricalForm key={editing.electrical?.stationId ?? 'new'} electrical={editing.electrical} stations={unplaced} circuits={model.circuits} onSaved={saved} onCancel={() => setEditing(null)} />
        )}
        {model && (
          <SiteStationsTable
            stations={model.stations}
            circuitName={circuitName}
            canEdit={canEdit}
            onEdit={(electrical) => setEditing({ kind: 'station', electrical })}
            onRemove={(s) => confirm(`Take station ${s.stationId} out of load management?`) && void act(() => removeStationElectrical(s.stationId))}
          />
        )}
      </section>

      <section class="panel">
        <header class="panel__header">
          <h2>Allocation per EVSE</h2>
        </header>
        {live && <AllocationsTable allocations={live} />}
      </section>

      <section class={atRisk.length ? 'panel panel--attention' : 'panel'} data-testid="vehicles-at-risk">
        <header class="panel__header">
          <h2>Vehicles at risk {atRisk.length > 0 && <span class="count">{atRisk.length}</span>}</h2>
        </header>
        {atRisk.length === 0 ? (
          <p class="empty">Every plugged-in vehicle makes its departure.</p>
        ) : (
          <ul class="plain-list">
            {atRisk.map((e) => (
              <li key={`${e.stationId}/${e.evseId}`} data-testid="at-risk-item">
                <strong>{e.vehicle?.name ?? e.idToken ?? `${e.stationId} · ${e.evseId}`}</strong>: {e.shortfallKwh.toFixed(1)} kWh short at departure {formatDateTime(e.departureAt)} ({e.reason})
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel">
        <header class="panel__header">
          <h2>Plan per vehicle</h2>
        </header>
        {model && <VehiclePlansTable vehicles={model.vehicles} allocations={live} />}
      </section>
    </main>
  );
}
