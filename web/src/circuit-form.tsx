// Create or edit a circuit: parent, per-phase limit, optional kW limit, margin, a time-of-day limit schedule and
// its site meter.
import { useEffect, useState } from 'preact/hooks';
import { describedBy, FormField } from './form-field.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, perPhaseFromText, perPhaseText, textOf } from './input-values.ts';
import { MeterFields, meterDraft, meterFromDraft } from './meter-fields.tsx';
import { SiteForm } from './site-form.tsx';
import { LimitScheduleEditor, scheduleFromRows, scheduleRows, type WindowRow } from './limit-schedule-editor.tsx';
import { createCircuit, fetchMeterPresets, updateCircuit, type Circuit, type RegisterMap } from './site-api.ts';
import { useFormSubmit } from './use-form-submit.ts';

const OWN_FIELDS = ['id', 'name', 'parentId', 'limitA', 'maxPowerKw', 'marginA', 'fallbackLoadA'];
const SHOWN_METER_FIELDS = /^meter\.(staleAfterSeconds|modbus|modbus\.(host|port|unitId|preset|pollSeconds|timeoutMs|registers(\..+)?))$/;

export function CircuitForm({ circuit, circuits, onSaved, onCancel }: { circuit?: Circuit; circuits: Circuit[]; onSaved(): void; onCancel(): void }) {
  const [id, setId] = useState(circuit?.id ?? '');
  const [name, setName] = useState(circuit?.name ?? '');
  // A new circuit goes below the grid connection by default; a grid connection being edited stays one.
  const [parentId, setParentId] = useState(circuit ? (circuit.parentId ?? '') : (circuits.find((c) => c.parentId === null)?.id ?? ''));
  const [limit, setLimit] = useState(perPhaseText(circuit?.limitA));
  const [maxPower, setMaxPower] = useState(textOf(circuit?.maxPowerKw));
  const [margin, setMargin] = useState(textOf(circuit?.marginA ?? 0));
  const [windows, setWindows] = useState<WindowRow[]>(scheduleRows(circuit?.schedule ?? []));
  const [meter, setMeter] = useState(meterDraft(circuit));
  const [presets, setPresets] = useState<Record<string, RegisterMap>>({});
  const form = useFormSubmit();
  useEffect(() => {
    fetchMeterPresets().then(setPresets, () => setPresets({}));
  }, []);

  const save = async () => {
    const fields = {
      name: name.trim() || (circuit ? circuit.id : id.trim()),
      parentId: parentId || null,
      limitA: perPhaseFromText(limit) ?? undefined,
      maxPowerKw: numberOrNull(maxPower),
      marginA: numberOrNull(margin) ?? 0,
      schedule: scheduleFromRows(windows),
      ...meterFromDraft(meter),
    };
    const ok = await form.submit(() => (circuit ? updateCircuit(circuit.id, fields) : createCircuit({ id: id.trim(), ...fields })));
    if (ok) onSaved();
  };
  const parents = circuits.filter((c) => c.id !== circuit?.id);

  return (
    <SiteForm
      form={form}
      shown={(f) => OWN_FIELDS.includes(f) || f.startsWith('schedule.') || SHOWN_METER_FIELDS.test(f)}
      testId="circuit-form"
      title={circuit ? `Edit circuit ${circuit.id}` : 'New circuit'}
      submitLabel={circuit ? 'Save circuit' : 'Create circuit'}
      onSubmit={() => void save()}
      onCancel={onCancel}
    >
      <div class="form-grid">
        {!circuit && <InputField id="circuit-id" label="ID" value={id} onInput={setId} error={form.err('id')} hint="Letters, digits, . _ -" />}
        <InputField id="circuit-name" label="Name" value={name} onInput={setName} error={form.err('name')} />
        <FormField id="circuit-parent" label="Parent" error={form.err('parentId')}>
          <select id="circuit-parent" value={parentId} onChange={(e) => setParentId(e.currentTarget.value)} aria-describedby={describedBy('circuit-parent', form.err('parentId'))}>
            <option value="">None: a grid connection</option>
            {parents.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.id}
              </option>
            ))}
          </select>
        </FormField>
        <InputField id="circuit-limit" label="Limit (A per phase)" value={limit} onInput={setLimit} error={form.err('limitA')} hint="e.g. 63, or 63 / 63 / 50 for L1 / L2 / L3" />
        <InputField id="circuit-max-power" label="Power limit (kW, optional)" type="number" value={maxPower} onInput={setMaxPower} error={form.err('maxPowerKw')} />
        <InputField id="circuit-margin" label="Safety margin (A)" type="number" value={margin} onInput={setMargin} error={form.err('marginA')} />
      </div>
      <LimitScheduleEditor rows={windows} onChange={setWindows} err={form.err} />
      <MeterFields draft={meter} presets={presets} onChange={setMeter} err={form.err} />
    </SiteForm>
  );
}
