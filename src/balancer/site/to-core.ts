import type { CircuitModel, EvseModel, LimitScheduleEntry, SiteModel } from '../core/index.ts';
import { minuteOf } from './local-time.ts';
import { defaultEvse, type EvseElectrical, type SiteSnapshot, type StationElectrical } from './model.ts';

/** The core's id of an EVSE: `<station id>/<evse id>` (a station id cannot contain '/'). */
export const evseKey = (stationId: string, evseId: number) => `${stationId}/${evseId}`;
/** A station that reported a station-wide limit of its own (OCPP 2.x NotifyChargingLimit) is put on a circuit of that limit. */
export const stationCircuitId = (stationId: string) => `station:${stationId}`;

export interface ManagedEvse {
  key: string;
  stationId: string;
  evseId: number;
  electrical: EvseElectrical;
  station: StationElectrical;
  /** Not described in the site model: an assumed 32 A three-phase AC EVSE. */
  assumed: boolean;
}

export interface CoreSite {
  site: SiteModel;
  evses: Map<string, ManagedEvse>;
}

/** Station-wide limit from outside Ampyard, per station. */
export type StationLimits = Map<string, { limitA?: number; maxPowerKw?: number }>;

/**
 * The core's site model from the stored one. `seenEvses` adds EVSEs a managed station has but the model does not
 * describe (they are assumed 32 A AC three-phase rather than left uncounted).
 */
export function coreSite(snapshot: SiteSnapshot, stationLimits: StationLimits, seenEvses: Map<string, number[]> = new Map()): CoreSite {
  const { config } = snapshot;
  const circuits: CircuitModel[] = snapshot.circuits.map((c) => {
    const model: CircuitModel = { id: c.id, limitA: c.limitA, marginA: c.marginA };
    if (c.parentId !== null) model.parentId = c.parentId;
    if (c.maxPowerKw !== null) model.maxPowerKw = c.maxPowerKw;
    if (c.schedule.length) {
      model.schedule = c.schedule.map((w) => {
        const entry: LimitScheduleEntry = { fromMinute: minuteOf(w.from), toMinute: minuteOf(w.to) };
        if (w.days) entry.days = w.days;
        if (w.limitA !== undefined) entry.limitA = w.limitA;
        if (w.maxPowerKw !== undefined) entry.maxPowerKw = w.maxPowerKw;
        return entry;
      });
    }
    if (c.meter) model.metered = true;
    if (c.fallbackLoadA !== null) model.fallbackLoadA = c.fallbackLoadA;
    return model;
  });
  const evses: EvseModel[] = [];
  const managed = new Map<string, ManagedEvse>();
  for (const station of snapshot.stations) {
    let circuitId = station.circuitId;
    const limit = stationLimits.get(station.stationId);
    if (limit) {
      circuitId = stationCircuitId(station.stationId);
      const virtual: CircuitModel = { id: circuitId, parentId: station.circuitId, limitA: limit.limitA ?? 100_000 };
      if (limit.maxPowerKw !== undefined) virtual.maxPowerKw = limit.maxPowerKw;
      circuits.push(virtual);
    }
    const described = new Set(station.evses.map((e) => e.evseId));
    const unit = station.quirks.unitOnly ?? station.evses[0]?.unit ?? 'A';
    const extra = (seenEvses.get(station.stationId) ?? (station.evses.length ? [] : [1])).filter((id) => !described.has(id));
    const all = [...station.evses.map((e) => ({ e, assumed: false })), ...extra.map((id) => ({ e: defaultEvse(id, unit), assumed: true }))];
    for (const { e, assumed } of all) {
      const key = evseKey(station.stationId, e.evseId);
      evses.push(toEvseModel(key, circuitId, e, station));
      managed.set(key, { key, stationId: station.stationId, evseId: e.evseId, electrical: e, station, assumed });
    }
  }
  const site: SiteModel = { circuits, evses, voltageV: config.voltageV, timeZone: config.timeZone, settings: config.balancer };
  return { site, evses: managed };
}

function toEvseModel(id: string, circuitId: string, e: EvseElectrical, station: StationElectrical): EvseModel {
  const model: EvseModel = { id, circuitId, kind: e.kind, phases: e.phases, rotation: e.rotation, unit: station.quirks.unitOnly ?? e.unit };
  if (e.minCurrentA !== null) model.minCurrentA = e.minCurrentA;
  if (e.maxCurrentA !== null) model.maxCurrentA = e.maxCurrentA;
  if (e.maxPowerW !== null) model.maxPowerW = e.maxPowerW;
  if (e.minPowerW !== null) model.minPowerW = e.minPowerW;
  if (e.voltageV !== null) model.voltageV = e.voltageV;
  const quirks: NonNullable<EvseModel['quirks']> = {};
  if (station.quirks.minCurrentA !== null) quirks.minCurrentA = station.quirks.minCurrentA;
  if (station.quirks.stepA !== null) quirks.stepA = station.quirks.stepA;
  if (station.quirks.ignoresLimits) quirks.ignoresLimits = true;
  if (Object.keys(quirks).length) model.quirks = quirks;
  return model;
}
