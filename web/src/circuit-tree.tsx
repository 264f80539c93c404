// The circuit tree (grid connections → feeders → breakers), each node with its live load per phase against its limit.
import { useState } from 'preact/hooks';
import { CircuitOverrideForm } from './circuit-override-form.tsx';
import { formatDateTime } from './format.ts';
import { perPhaseText } from './input-values.ts';
import { CircuitLoadBars } from './circuit-load-bars.tsx';
import type { Circuit, CircuitLoad, MeterSource, StationElectrical } from './site-api.ts';
import { daysText } from './day-picker.tsx';

export interface CircuitTreeProps {
  circuits: Circuit[];
  loads: CircuitLoad[];
  stations: StationElectrical[];
  /** Admins: edit and delete circuits (the installation model). */
  canEdit: boolean;
  /** Operators and admins: limit a circuit for now (an override), and remove the override. */
  canOverride: boolean;
  onEdit(circuit: Circuit): void;
  onDelete(circuit: Circuit): void;
  onClearOverride(circuit: Circuit): void;
  onChanged(): void;
}

export function CircuitTree(props: CircuitTreeProps) {
  const ids = new Set(props.circuits.map((c) => c.id));
  const roots = props.circuits.filter((c) => c.parentId === null || !ids.has(c.parentId));
  if (roots.length === 0) return <p class="empty">No circuits yet. Start with the grid connection.</p>;
  return (
    <ul class="circuit-tree" data-testid="circuit-tree">
      {roots.map((c) => (
        <CircuitNode key={c.id} circuit={c} {...props} />
      ))}
    </ul>
  );
}

function CircuitNode({ circuit: c, ...props }: CircuitTreeProps & { circuit: Circuit }) {
  const [overriding, setOverriding] = useState(false);
  const load = props.loads.find((l) => l.id === c.id);
  const children = props.circuits.filter((x) => x.parentId === c.id);
  const stations = props.stations.filter((s) => s.circuitId === c.id);
  return (
    <li class="circuit-node" data-testid="circuit-node" data-circuit-id={c.id}>
      <div class="circuit-node__card">
        <div class="circuit-node__head">
          <strong>{c.name || c.id}</strong> <span class="muted mono">{c.id}</span>
          <span class="muted">
            {' '}
            · limit {perPhaseText(c.limitA)} A{c.marginA ? ` − ${c.marginA} A margin` : ''}
            {c.maxPowerKw !== null ? ` · ${c.maxPowerKw} kW` : ''}
          </span>
          {c.override && (
            <span class="tag tag--blocked" data-testid="circuit-override">
              override {perPhaseText(c.override.limitA ?? null)}
              {c.override.limitA !== undefined ? ' A' : ''}
              {c.override.maxPowerKw !== undefined ? ` ${c.override.maxPowerKw} kW` : ''}
              {c.override.until ? ` until ${formatDateTime(c.override.until)}` : ''}
            </span>
          )}
        </div>
        {load ? (
          <>
            <CircuitLoadBars load={load} />
            <p class="muted circuit-node__facts">
              Building load {perPhaseText(load.loadA.map(round1))} A{load.loadStale ? ' (meter silent: worst case assumed)' : ''} · chargers allocated {perPhaseText(load.allocatedA.map(round1))} A
              {load.maxPowerKw !== null ? ` · ${round1(load.powerKw)} of ${load.maxPowerKw} kW` : ''}
            </p>
          </>
        ) : (
          <p class="muted">No live load yet.</p>
        )}
        {c.schedule.length > 0 && (
          <p class="muted">
            Schedule:{' '}
            {c.schedule.map((w) => `${daysText(w.days)} ${w.from}–${w.to} ${w.limitA !== undefined ? `${perPhaseText(w.limitA)} A` : ''}${w.maxPowerKw !== undefined ? ` ${w.maxPowerKw} kW` : ''}`).join('; ')}
          </p>
        )}
        {c.meter && <p class="muted" data-testid="circuit-meter-source">Meter: {meterText(c.meter)}</p>}
        {stations.length > 0 && <p class="muted">Stations: {stations.map((s) => s.stationId).join(', ')}</p>}
        {(props.canEdit || props.canOverride) && (
          <div class="circuit-node__actions">
            {props.canEdit && (
              <button type="button" class="button button--quiet" onClick={() => props.onEdit(c)} data-testid="circuit-edit">
                Edit
              </button>
            )}
            {props.canOverride && (
              <button type="button" class="button button--quiet" onClick={() => setOverriding(!overriding)} data-testid="circuit-override-edit">
                Override…
              </button>
            )}
            {props.canOverride && c.override && (
              <button type="button" class="button button--quiet" onClick={() => props.onClearOverride(c)}>
                Clear override
              </button>
            )}
            {props.canEdit && (
              <button type="button" class="button button--quiet" onClick={() => props.onDelete(c)}>
                Delete
              </button>
            )}
          </div>
        )}
        {overriding && (
          <CircuitOverrideForm
            circuit={c}
            onCancel={() => setOverriding(false)}
            onSaved={() => {
              setOverriding(false);
              props.onChanged();
            }}
          />
        )}
      </div>
      {children.length > 0 && (
        <ul class="circuit-tree">
          {children.map((child) => (
            <CircuitNode key={child.id} {...props} circuit={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function meterText(m: MeterSource): string {
  const source = m.kind === 'push' ? 'pushed readings' : `Modbus TCP ${m.modbus?.host}:${m.modbus?.port}${m.modbus?.registers ? ' (own register map)' : m.modbus?.preset ? ` (${m.modbus.preset})` : ''}`;
  return `${source}, ${m.measures === 'total' ? 'chargers included' : 'other load only'}`;
}
