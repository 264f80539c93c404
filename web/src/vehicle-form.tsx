// Create or edit a fleet vehicle: name, ID tokens, battery, charge power, priority and weekly departures.
import { useState } from 'preact/hooks';
import { DeparturesEditor, departureRows, departuresFromRows, type DepartureRow } from './departures-editor.tsx';
import { InputField } from './input-field.tsx';
import { numberOrNull, textOf } from './input-values.ts';
import { SiteForm } from './site-form.tsx';
import { createVehicle, updateVehicle, type Vehicle } from './site-api.ts';
import { useFormSubmit } from './use-form-submit.ts';

const OWN_FIELDS = /^(id|name|idTokens(\.\d+)?|batteryKwh|maxChargeKw|priority|departures\.\d+(\..*)?)$/;

export function VehicleForm({ vehicle, onSaved, onCancel }: { vehicle?: Vehicle; onSaved(): void; onCancel(): void }) {
  const [name, setName] = useState(vehicle?.name ?? '');
  const [tokens, setTokens] = useState(vehicle?.idTokens.join(', ') ?? '');
  const [battery, setBattery] = useState(textOf(vehicle?.batteryKwh));
  const [maxCharge, setMaxCharge] = useState(textOf(vehicle?.maxChargeKw));
  const [priority, setPriority] = useState(textOf(vehicle?.priority ?? 0));
  const [departures, setDepartures] = useState<DepartureRow[]>(departureRows(vehicle?.departures ?? []));
  const form = useFormSubmit();

  const save = async () => {
    const fields = {
      name: name.trim(),
      idTokens: tokens.split(/[,\s]+/).filter((t) => t !== ''),
      batteryKwh: numberOrNull(battery),
      maxChargeKw: numberOrNull(maxCharge),
      priority: numberOrNull(priority) ?? 0,
      departures: departuresFromRows(departures),
    };
    if (await form.submit(() => (vehicle ? updateVehicle(vehicle.id, fields) : createVehicle(fields)))) onSaved();
  };
  const tokenError = form.errors.find((e) => e.field.startsWith('idTokens'));

  return (
    <SiteForm
      form={form}
      shown={(f) => OWN_FIELDS.test(f)}
      testId="vehicle-form"
      title={vehicle ? `Edit ${vehicle.name}` : 'New vehicle'}
      submitLabel={vehicle ? 'Save vehicle' : 'Create vehicle'}
      onSubmit={() => void save()}
      onCancel={onCancel}
    >
      <div class="form-grid">
        <InputField id="vehicle-name" label="Name" value={name} onInput={setName} error={form.err('name')} />
        <InputField id="vehicle-tokens" label="ID tokens" value={tokens} onInput={setTokens} error={tokenError?.message} hint="Cards or keys it charges with, separated by commas" />
        <InputField id="vehicle-battery" label="Battery (kWh)" type="number" value={battery} onInput={setBattery} error={form.err('batteryKwh')} />
        <InputField id="vehicle-max-charge" label="Max charge power (kW)" type="number" value={maxCharge} onInput={setMaxCharge} error={form.err('maxChargeKw')} />
        <InputField id="vehicle-priority" label="Priority" type="number" value={priority} onInput={setPriority} error={form.err('priority')} hint="−100 … 100, higher charges first" />
      </div>
      <DeparturesEditor rows={departures} onChange={setDepartures} err={form.err} />
    </SiteForm>
  );
}
