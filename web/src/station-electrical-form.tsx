// Puts a station on a circuit with its EVSEs' electrical settings and its quirks (PUT /stations/:id/electrical).
import { useState } from 'preact/hooks';
import { blankEvseRow, evseFromRow, evseRow, EvseRows, type EvseRow } from './evse-rows.tsx';
import { describedBy, FormField } from './form-field.tsx';
import { QuirksFields, quirksDraft, quirksFromDraft } from './quirks-fields.tsx';
import { SiteForm } from './site-form.tsx';
import { setStationElectrical, type Circuit, type StationElectrical } from './site-api.ts';
import type { Station } from './station-types.ts';
import { useFormSubmit } from './use-form-submit.ts';

export interface StationElectricalFormProps {
  /** The station being edited; without it, a station not in the site model yet is chosen. */
  electrical?: StationElectrical;
  stations: Station[];
  circuits: Circuit[];
  onSaved(): void;
  onCancel(): void;
}

const evseRowsOf = (station: Station | undefined): EvseRow[] => (station?.evses.length ? station.evses.map((e) => blankEvseRow(e.evseId)) : [blankEvseRow(1)]);

export function StationElectricalForm({ electrical, stations, circuits, onSaved, onCancel }: StationElectricalFormProps) {
  const [stationId, setStationId] = useState(electrical?.stationId ?? stations[0]?.id ?? '');
  const [circuitId, setCircuitId] = useState(electrical?.circuitId ?? circuits[0]?.id ?? '');
  const [evses, setEvses] = useState<EvseRow[]>(electrical ? electrical.evses.map(evseRow) : evseRowsOf(stations[0]));
  const [quirks, setQuirks] = useState(quirksDraft(electrical?.quirks));
  const form = useFormSubmit();

  const save = async () => {
    if (await form.submit(() => setStationElectrical(stationId, { circuitId, evses: evses.map(evseFromRow), quirks: quirksFromDraft(quirks) }))) onSaved();
  };
  const chooseStation = (id: string) => {
    setStationId(id);
    setEvses(evseRowsOf(stations.find((s) => s.id === id)));
  };

  return (
    <SiteForm
      form={form}
      shown={(f) => f === 'circuitId' || /^evses\.\d+\.(evseId|rotation|minCurrentA|maxCurrentA|maxPowerW|minPowerW|voltageV)$/.test(f) || /^quirks\.(stepA|minCurrentA)$/.test(f)}
      testId="station-electrical-form"
      title={electrical ? `Station ${electrical.stationId}` : 'Put a station on a circuit'}
      submitLabel="Save"
      onSubmit={() => void save()}
      onCancel={onCancel}
    >
      <div class="form-grid">
        {!electrical && (
          <FormField id="electrical-station" label="Station">
            <select id="electrical-station" value={stationId} onChange={(e) => chooseStation(e.currentTarget.value)}>
              {stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id}
                </option>
              ))}
            </select>
          </FormField>
        )}
        <FormField id="electrical-circuit" label="Circuit" error={form.err('circuitId')}>
          <select id="electrical-circuit" value={circuitId} onChange={(e) => setCircuitId(e.currentTarget.value)} aria-describedby={describedBy('electrical-circuit', form.err('circuitId'))}>
            {circuits.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.id}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <EvseRows rows={evses} onChange={setEvses} err={form.err} />
      <QuirksFields draft={quirks} onChange={setQuirks} err={form.err} />
    </SiteForm>
  );
}
