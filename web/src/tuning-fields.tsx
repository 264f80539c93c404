// The load balancer's tuning (PATCH /site/config: balancer and driver): an empty field is the default.
import { useEffect, useRef, useState } from 'preact/hooks';
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import { fetchTuningDefaults, type TuningDefaults } from './site-api.ts';

interface Setting {
  key: string;
  label: string;
  hint: string;
}

const CONTROLLER: Setting[] = [
  { key: 'cycleSeconds', label: 'Control cycle (s)', hint: 'the controller runs at least this often' },
  { key: 'debounceMs', label: 'Gather events for (ms)', hint: 'events are collected this long before a cycle' },
  { key: 'commandTimeoutSeconds', label: 'Profile answer timeout (s)', hint: 'then the worst case is assumed' },
  { key: 'followSeconds', label: 'EV follow time (s)', hint: 'after a lower limit is acknowledged (IEC 61851: 5 s)' },
  { key: 'leaseSeconds', label: 'Fail-safe lease (s)', hint: 'more than a safe share only this long, renewed at a third of it' },
  { key: 'overdrawToleranceSeconds', label: 'Overdraw tolerance (s)', hint: 'a station over its limit longer is non-compliant' },
];

const PLANNING: Setting[] = [
  { key: 'rotationPeriodS', label: 'Rotation period (s)', hint: 'when power is short, a charging car keeps its turn this long' },
  { key: 'slotMinutes', label: 'Planning slot (min)', hint: '5, 10, 15, 30 or 60' },
  { key: 'horizonHours', label: 'Planning horizon (h)', hint: 'departures and prices this far ahead' },
  { key: 'replanS', label: 'Keep a plan for (s)', hint: 'unless sessions, needs, departures or limits change' },
  { key: 'limitLookAheadS', label: 'Apply limit drops ahead by (s)', hint: 'scheduled lower limits are in place in time' },
  { key: 'meterStaleAfterS', label: 'Site meter silent after (s)', hint: 'then the worst-case building load counts' },
  { key: 'settleS', label: 'Settle after a raise (s)', hint: 'before a car’s measured draw counts' },
  { key: 'underuseThresholdA', label: 'Under-use threshold (A)', hint: 'a car drawing this much less is capped to its draw' },
  { key: 'underuseHeadroomA', label: 'Under-use headroom (A)', hint: 'added to the draw of a capped car' },
  { key: 'probeIntervalS', label: 'Probe a paused car every (s)', hint: 'a car drawing nothing gets its minimum now and then' },
  { key: 'probeDurationS', label: 'Probe for (s)', hint: 'shorter than the probe interval' },
  { key: 'overdrawToleranceA', label: 'Overdraw tolerance (A)', hint: 'a car above its limit by more is reserved at its draw' },
  { key: 'futureReserve', label: 'Future reserve (0–1)', hint: 'share of later capacity a car waiting for cheap hours may not count on' },
];

export type TuningRows = Record<string, string>;

/** Form text from the config: the controller's settings in force, and the planning settings that are overridden. */
export function tuningRows(balancer: Record<string, number>, driver: Record<string, number>): TuningRows {
  const rows: TuningRows = {};
  for (const { key } of PLANNING) rows[`balancer.${key}`] = textOf(balancer[key]);
  for (const { key } of CONTROLLER) rows[`driver.${key}`] = textOf(driver[key]);
  return rows;
}

/** The PATCH body's balancer and driver: each field's number, or null (back to the default). */
export function tuningFromRows(rows: TuningRows): { balancer: Record<string, unknown>; driver: Record<string, unknown> } {
  const part = (prefix: string, settings: Setting[]) => Object.fromEntries(settings.map(({ key }) => [key, numberOrNull(rows[`${prefix}.${key}`] ?? '')]));
  return { balancer: part('balancer', PLANNING), driver: part('driver', CONTROLLER) };
}

export const isTuningField = (field: string) => /^(balancer|driver)\.[A-Za-z]+$/.test(field);

export function TuningFields({ rows, onChange, err, defaults }: { rows: TuningRows; onChange(rows: TuningRows): void; err(field: string): string | undefined; defaults: TuningDefaults | undefined }) {
  const details = useRef<HTMLDetailsElement>(null);
  const hasError = Object.keys(rows).some((field) => err(field) !== undefined);
  // A refused setting is shown, also when the section was closed.
  useEffect(() => {
    if (hasError && details.current) details.current.open = true;
  }, [hasError]);
  const group = (legend: string, prefix: 'driver' | 'balancer', settings: Setting[]) => (
    <fieldset class="site-form__group">
      <legend>{legend}</legend>
      <div class="form-grid">
        {settings.map(({ key, label, hint }) => {
          const field = `${prefix}.${key}`;
          const fallback = defaults?.[prefix][key];
          return (
            <InputField
              key={field}
              id={`tuning-${key}`}
              label={label}
              type="number"
              value={rows[field] ?? ''}
              placeholder={fallback === undefined ? 'default' : `default ${fallback}`}
              onInput={(value) => onChange({ ...rows, [field]: value })}
              error={err(field)}
              hint={hint}
            />
          );
        })}
      </div>
    </fieldset>
  );
  return (
    <details class="tuning" data-testid="tuning" ref={details}>
      <summary>Tuning (installers): leave a field empty for its default</summary>
      {group('Controller', 'driver', CONTROLLER)}
      {group('Planning and sharing', 'balancer', PLANNING)}
    </details>
  );
}

/** The defaults, for the placeholders. */
export function useTuningDefaults(): TuningDefaults | undefined {
  const [defaults, setDefaults] = useState<TuningDefaults>();
  useEffect(() => {
    fetchTuningDefaults().then(setDefaults, () => undefined);
  }, []);
  return defaults;
}
