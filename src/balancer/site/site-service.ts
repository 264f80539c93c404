import { randomUUID } from 'node:crypto';
import { checkParams, ParamsError, type FieldError } from '../../commands/params.ts';
import { tenths } from '../../domain/charging-profile.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { SiteRepo } from '../../storage/site-repo.ts';
import type { WriteQueue } from '../../storage/write-queue.ts';
import { ceilStep, DEFAULT_SETTINGS, floorStep, siteProblems, type BalancerSettings } from '../core/index.ts';
import { METER_PRESETS, registerMapProblems } from '../meter/register-maps.ts';
import { isTimeZone, minuteOf } from './local-time.ts';
import {
  DEFAULT_CONFIG, DEFAULT_DRIVER, DEFAULT_QUIRKS, DEFAULT_ROTATION,
  type Circuit, type DriverSettings, type EvseElectrical, type LimitOverride, type MeterSource, type ModbusSource, type SiteConfig, type SiteSnapshot, type StationElectrical, type Vehicle,
} from './model.ts';
import { circuitCreateSchema, circuitPatchSchema, configPatchSchema, overrideSchema, stationElectricalSchema, vehicleCreateSchema, vehiclePatchSchema } from './schemas.ts';
import { coreSite } from './to-core.ts';

export type SiteChange = 'circuits' | 'stations' | 'vehicles' | 'config';
type Input = Record<string, unknown>;

const fail = (fields: FieldError[]) => {
  if (fields.length) throw new ParamsError(fields);
};
/** PATCH semantics: a given field replaces, null clears an optional one. */
const merge = <T extends object>(base: T, patch: Input): T => ({ ...base, ...patch });

/**
 * The site model the depot manager edits: circuits (a tree per grid connection), each station's circuit, EVSE
 * wiring and quirks, fleet vehicles, prices and settings. Kept in memory, stored through the write queue; every
 * change is checked as a whole (the core's own `siteProblems` included) before it is stored.
 */
export class SiteModelService {
  private readonly repo: SiteRepo;
  private readonly writes: WriteQueue;
  private readonly stationExists: (id: string) => boolean;
  private readonly listeners = new Set<(change: SiteChange) => void>();
  private state: SiteSnapshot;

  constructor(repo: SiteRepo, writes: WriteQueue, stationExists: (id: string) => boolean) {
    this.repo = repo;
    this.writes = writes;
    this.stationExists = stationExists;
    const stored = repo.config();
    const config: SiteConfig = stored ? { ...DEFAULT_CONFIG, ...stored, driver: { ...DEFAULT_DRIVER, ...stored.driver } } : DEFAULT_CONFIG;
    this.state = { circuits: repo.circuits(), stations: repo.stations(), vehicles: repo.vehicles(), config, version: 1 };
  }

  snapshot(): SiteSnapshot {
    return this.state;
  }

  onChange(listener: (change: SiteChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  circuit(id: string): Circuit {
    const found = this.state.circuits.find((c) => c.id === id);
    if (!found) throw new NotFoundError(`no circuit ${id}`);
    return found;
  }

  station(stationId: string): StationElectrical | undefined {
    return this.state.stations.find((s) => s.stationId === stationId);
  }

  vehicle(id: string): Vehicle {
    const found = this.state.vehicles.find((v) => v.id === id);
    if (!found) throw new NotFoundError(`no vehicle ${id}`);
    return found;
  }

  /** The vehicle an id token belongs to (tokens compare without regard to case). */
  vehicleByToken(token: string): Vehicle | undefined {
    const wanted = token.toUpperCase();
    return this.state.vehicles.find((v) => v.idTokens.some((t) => t.toUpperCase() === wanted));
  }

  async createCircuit(input: unknown): Promise<Circuit> {
    const body = checkParams<Input & { id: string }>(circuitCreateSchema, input);
    if (this.state.circuits.some((c) => c.id === body.id)) throw new ConflictError(`circuit ${body.id} already exists`);
    const now = new Date().toISOString();
    const circuit = normaliseCircuit({ name: body.id, parentId: null, maxPowerKw: null, marginA: 0, schedule: [], meter: null, fallbackLoadA: null, override: null, ...body, createdAt: now, updatedAt: now } as unknown as Circuit);
    return this.saveCircuit(circuit, [...this.state.circuits, circuit]);
  }

  async updateCircuit(id: string, input: unknown): Promise<Circuit> {
    const old = this.circuit(id);
    const patch = checkParams<Input>(circuitPatchSchema, input);
    const circuit = normaliseCircuit({ ...merge(old, patch), updatedAt: new Date().toISOString() });
    return this.saveCircuit(circuit, this.state.circuits.map((c) => (c.id === id ? circuit : c)));
  }

  async setOverride(id: string, input: unknown): Promise<Circuit> {
    const old = this.circuit(id);
    const body = checkParams<Omit<LimitOverride, 'setAt'>>(overrideSchema, input);
    if (body.limitA === undefined && body.maxPowerKw === undefined) fail([{ field: 'limitA', message: 'give limitA or maxPowerKw' }]);
    const override: LimitOverride = { ...body, until: body.until ? new Date(body.until).toISOString() : null, setAt: new Date().toISOString() };
    const circuit = { ...old, override, updatedAt: override.setAt };
    return this.saveCircuit(circuit, this.state.circuits.map((c) => (c.id === id ? circuit : c)));
  }

  async clearOverride(id: string): Promise<Circuit> {
    const old = this.circuit(id);
    const circuit = { ...old, override: null, updatedAt: new Date().toISOString() };
    return this.saveCircuit(circuit, this.state.circuits.map((c) => (c.id === id ? circuit : c)));
  }

  async deleteCircuit(id: string): Promise<void> {
    this.circuit(id);
    const children = this.state.circuits.filter((c) => c.parentId === id).map((c) => c.id);
    if (children.length) throw new ConflictError(`circuit ${id} has circuits below it (${children.join(', ')}); move or delete them first`);
    const stations = this.state.stations.filter((s) => s.circuitId === id).map((s) => s.stationId);
    if (stations.length) throw new ConflictError(`stations are on circuit ${id} (${stations.join(', ')}); move them first`);
    await this.writes.run(() => this.repo.deleteCircuit(id));
    this.commit({ circuits: this.state.circuits.filter((c) => c.id !== id) }, 'circuits');
  }

  async setStation(stationId: string, input: unknown): Promise<StationElectrical> {
    if (!this.stationExists(stationId)) throw new NotFoundError(`no station ${stationId}`);
    const body = checkParams<Input & { circuitId: string; evses?: Input[]; quirks?: Input }>(stationElectricalSchema, input);
    const old = this.station(stationId);
    const now = new Date().toISOString();
    const station: StationElectrical = {
      stationId,
      circuitId: body.circuitId,
      evses: (body.evses ?? []).map(normaliseEvse),
      quirks: { ...DEFAULT_QUIRKS, ...body.quirks },
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
    };
    const fields: FieldError[] = [];
    if (!this.state.circuits.some((c) => c.id === station.circuitId)) fields.push({ field: 'circuitId', message: `no circuit ${station.circuitId}` });
    const step = station.quirks.stepA;
    if (step !== null && Math.abs(step * 10 - Math.round(step * 10)) > 1e-9) fields.push({ field: 'quirks.stepA', message: 'must be a multiple of 0.1 A (OCPP limits have one decimal)' });
    const seen = new Set<number>();
    station.evses.forEach((e, i) => {
      if (seen.has(e.evseId)) fields.push({ field: `evses.${i}.evseId`, message: `EVSE ${e.evseId} is described twice` });
      seen.add(e.evseId);
      if (e.rotation.length !== e.phases) fields.push({ field: `evses.${i}.rotation`, message: `must name ${e.phases} phase(s), one per EVSE phase` });
      else if (new Set(e.rotation).size !== e.rotation.length) fields.push({ field: `evses.${i}.rotation`, message: 'must not repeat a phase' });
      // With a coarser step the station takes its minimum rounded up and its maximum rounded down to that step.
      const stepped = (value: number, round: typeof ceilStep) => (step === null ? value : tenths(round(value, step)));
      const min = stepped(Math.max(e.minCurrentA ?? 6, station.quirks.minCurrentA ?? 0), ceilStep);
      if (e.kind === 'AC' && e.maxCurrentA !== null && stepped(e.maxCurrentA, floorStep) < min) {
        fields.push({ field: `evses.${i}.maxCurrentA`, message: `is below the minimum current ${min} A${step === null ? '' : ` (in steps of ${step} A)`}` });
      }
      if (e.minPowerW !== null && e.maxPowerW !== null && e.minPowerW > e.maxPowerW) fields.push({ field: `evses.${i}.minPowerW`, message: 'is above maxPowerW' });
    });
    fail(fields);
    const stations = [...this.state.stations.filter((s) => s.stationId !== stationId), station].sort((a, b) => a.stationId.localeCompare(b.stationId));
    this.checkWhole({ stations });
    await this.writes.run(() => this.repo.saveStation(station));
    // From the state after the write: another station saved meanwhile must not be lost.
    this.commit({ stations: [...this.state.stations.filter((s) => s.stationId !== stationId), station].sort((a, b) => a.stationId.localeCompare(b.stationId)) }, 'stations');
    return station;
  }

  async removeStation(stationId: string): Promise<void> {
    if (!this.station(stationId)) throw new NotFoundError(`station ${stationId} is not in the site model`);
    await this.writes.run(() => this.repo.deleteStation(stationId));
    this.commit({ stations: this.state.stations.filter((s) => s.stationId !== stationId) }, 'stations');
  }

  async createVehicle(input: unknown): Promise<Vehicle> {
    const body = checkParams<Input & { id?: string; name: string }>(vehicleCreateSchema, input);
    const id = body.id ?? `v-${randomUUID().slice(0, 8)}`;
    if (this.state.vehicles.some((v) => v.id === id)) throw new ConflictError(`vehicle ${id} already exists`);
    const now = new Date().toISOString();
    const vehicle: Vehicle = { idTokens: [], batteryKwh: null, maxChargeKw: null, phases: null, priority: 0, departures: [], home: null, ...body, id, createdAt: now, updatedAt: now } as Vehicle;
    return this.saveVehicle(vehicle);
  }

  async updateVehicle(id: string, input: unknown): Promise<Vehicle> {
    const old = this.vehicle(id);
    const patch = checkParams<Input>(vehiclePatchSchema, input);
    return this.saveVehicle({ ...merge(old, patch), updatedAt: new Date().toISOString() });
  }

  async deleteVehicle(id: string): Promise<void> {
    this.vehicle(id);
    await this.writes.run(() => this.repo.deleteVehicle(id));
    this.commit({ vehicles: this.state.vehicles.filter((v) => v.id !== id) }, 'vehicles');
  }

  async updateConfig(input: unknown): Promise<SiteConfig> {
    type Resettable<T> = { [K in keyof T]?: T[K] | null };
    const patch = checkParams<Omit<Partial<SiteConfig>, 'balancer' | 'driver'> & { balancer?: Resettable<BalancerSettings>; driver?: Resettable<DriverSettings> }>(configPatchSchema, input);
    const old = this.state.config;
    const config: SiteConfig = {
      ...old,
      ...patch,
      prices: { ...old.prices, ...patch.prices },
      balancer: withoutNulls({ ...old.balancer, ...patch.balancer }),
      driver: { ...old.driver, ...nullsAsDefaults(patch.driver ?? {}, DEFAULT_DRIVER) },
      updatedAt: new Date().toISOString(),
    };
    const fields: FieldError[] = [];
    const tuned = { ...DEFAULT_SETTINGS, ...config.balancer };
    if (tuned.probeDurationS >= tuned.probeIntervalS) fields.push({ field: 'balancer.probeDurationS', message: `must be shorter than the probe interval (${tuned.probeIntervalS} s)` });
    if (!isTimeZone(config.timeZone)) fields.push({ field: 'timeZone', message: 'is not an IANA time zone (e.g. Europe/Berlin)' });
    config.prices.windows.forEach((w, i) => {
      for (const key of ['from', 'to'] as const) if (minuteOf(w[key]) % 15 !== 0) fields.push({ field: `prices.windows.${i}.${key}`, message: 'must be on a quarter hour' });
    });
    fail(fields);
    await this.writes.run(() => this.repo.saveConfig(config));
    this.commit({ config }, 'config');
    return config;
  }

  private async saveCircuit(circuit: Circuit, circuits: Circuit[]): Promise<Circuit> {
    const fields: FieldError[] = [];
    const byId = new Map(circuits.map((c) => [c.id, c]));
    if (circuit.parentId !== null) {
      if (circuit.parentId === circuit.id) fields.push({ field: 'parentId', message: 'a circuit cannot be its own parent' });
      else if (!byId.has(circuit.parentId)) fields.push({ field: 'parentId', message: `no circuit ${circuit.parentId}` });
      else {
        const seen = new Set([circuit.id]);
        for (let p = byId.get(circuit.parentId); p; p = p.parentId === null ? undefined : byId.get(p.parentId)) {
          if (seen.has(p.id)) {
            fields.push({ field: 'parentId', message: `${circuit.parentId} is below ${circuit.id}: that would make a loop` });
            break;
          }
          seen.add(p.id);
        }
      }
    }
    circuit.schedule.forEach((w, i) => {
      if (w.limitA === undefined && w.maxPowerKw === undefined) fields.push({ field: `schedule.${i}`, message: 'give limitA or maxPowerKw' });
    });
    fields.push(...meterProblems(circuit.meter));
    fail(fields);
    this.checkWhole({ circuits });
    await this.writes.run(() => this.repo.saveCircuit(circuit));
    // From the state after the write: another circuit saved meanwhile must not be lost.
    this.commit({ circuits: [...this.state.circuits.filter((c) => c.id !== circuit.id), circuit].sort((a, b) => a.id.localeCompare(b.id)) }, 'circuits');
    return circuit;
  }

  private async saveVehicle(vehicle: Vehicle): Promise<Vehicle> {
    const fields: FieldError[] = [];
    vehicle.idTokens.forEach((token, i) => {
      const owner = this.vehicleByToken(token);
      if (owner && owner.id !== vehicle.id) fields.push({ field: `idTokens.${i}`, message: `belongs to vehicle ${owner.id}` });
    });
    vehicle.departures.forEach((d, i) => {
      if (d.targetSocPct !== undefined && d.targetEnergyKwh !== undefined) fields.push({ field: `departures.${i}`, message: 'give targetSocPct or targetEnergyKwh, not both' });
      if (d.targetSocPct !== undefined && vehicle.batteryKwh === null) fields.push({ field: `departures.${i}.targetSocPct`, message: 'needs the vehicle’s batteryKwh' });
    });
    if (vehicle.home && !this.station(vehicle.home.stationId)) fields.push({ field: 'home.stationId', message: `station ${vehicle.home.stationId} is not in the site model` });
    fail(fields);
    await this.writes.run(() => this.repo.saveVehicle(vehicle));
    this.commit({ vehicles: [...this.state.vehicles.filter((v) => v.id !== vehicle.id), vehicle].sort((a, b) => a.id.localeCompare(b.id)) }, 'vehicles');
    return vehicle;
  }

  /** The core's own check of the model as it would be after the change. */
  private checkWhole(change: Partial<SiteSnapshot>): void {
    const next = { ...this.state, ...change };
    const problems = siteProblems(coreSite(next, new Map()).site);
    if (problems.length) throw new ParamsError(problems.map((message) => ({ field: '(site)', message })));
  }

  private commit(change: Partial<SiteSnapshot>, kind: SiteChange): void {
    this.state = { ...this.state, ...change, version: this.state.version + 1 };
    for (const listener of this.listeners) {
      try {
        listener(kind);
      } catch {
        // A listener's failure must not undo a stored change.
      }
    }
  }
}

function normaliseEvse(input: Input): EvseElectrical {
  const phases = (input['phases'] as 1 | 2 | 3 | undefined) ?? 3;
  return {
    evseId: input['evseId'] as number,
    kind: (input['kind'] as 'AC' | 'DC' | undefined) ?? 'AC',
    phases,
    rotation: (input['rotation'] as EvseElectrical['rotation'] | undefined) ?? DEFAULT_ROTATION.slice(0, phases),
    minCurrentA: (input['minCurrentA'] as number | null | undefined) ?? null,
    maxCurrentA: (input['maxCurrentA'] as number | null | undefined) ?? null,
    maxPowerW: (input['maxPowerW'] as number | null | undefined) ?? null,
    minPowerW: (input['minPowerW'] as number | null | undefined) ?? null,
    unit: (input['unit'] as 'A' | 'W' | undefined) ?? 'A',
    voltageV: (input['voltageV'] as number | null | undefined) ?? null,
  };
}

function normaliseCircuit(circuit: Circuit): Circuit {
  const meter = circuit.meter;
  if (!meter) return circuit;
  const given = meter as Partial<MeterSource> & Pick<MeterSource, 'kind'>;
  const normal: MeterSource = { ...given, measures: given.measures ?? 'non-charger', staleAfterSeconds: given.staleAfterSeconds ?? 15 };
  if (given.modbus) {
    const m = given.modbus as Partial<ModbusSource> & { host: string };
    normal.modbus = { ...m, port: m.port ?? 502, unitId: m.unitId ?? 1, pollSeconds: m.pollSeconds ?? 2, timeoutMs: m.timeoutMs ?? 1500 };
  }
  return { ...circuit, meter: normal };
}

function meterProblems(meter: MeterSource | null): FieldError[] {
  if (!meter) return [];
  const out: FieldError[] = [];
  if (meter.kind === 'push' && meter.modbus) out.push({ field: 'meter.modbus', message: 'is only for a modbus meter' });
  if (meter.kind === 'modbus') {
    if (!meter.modbus) out.push({ field: 'meter.modbus', message: 'is required for a modbus meter' });
    else {
      const { preset, registers } = meter.modbus;
      if (preset !== undefined && !METER_PRESETS[preset]) out.push({ field: 'meter.modbus.preset', message: `must be one of ${Object.keys(METER_PRESETS).join(', ')}` });
      if (preset === undefined && registers === undefined) out.push({ field: 'meter.modbus.preset', message: 'give a preset or a register map' });
      if (registers) out.push(...registerMapProblems(registers, 'meter.modbus.registers'));
    }
  }
  return out;
}

/** A balancer setting put back (null) is no longer overridden: the core's default applies. */
function withoutNulls<T extends object>(values: { [K in keyof T]?: T[K] | null }): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== undefined)) as Partial<T>;
}

/** A driver setting put back (null) takes its default. */
function nullsAsDefaults<T extends object>(values: { [K in keyof T]?: T[K] | null }, defaults: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value ?? defaults[key as keyof T]])) as Partial<T>;
}
