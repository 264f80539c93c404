import { DEFAULT_QUIRKS, type Circuit, type SiteConfig, type StationElectrical, type Vehicle } from '../balancer/site/model.ts';
import type { Db } from './database.ts';

type Stamped = { createdAt: string; updatedAt: string };
const json = (value: object) => JSON.stringify(value);

/** The load-management site model: circuits, stations' electrical set-up, vehicles (with their id tokens), settings. */
export class SiteRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      circuits: db.prepare('SELECT id, config, created_at AS createdAt, updated_at AS updatedAt FROM site_circuits ORDER BY id'),
      upsertCircuit: db.prepare(`INSERT INTO site_circuits (id, parent_id, config, created_at, updated_at) VALUES (@id, @parentId, @config, @createdAt, @updatedAt)
        ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, config = excluded.config, updated_at = excluded.updated_at`),
      deleteCircuit: db.prepare('DELETE FROM site_circuits WHERE id = ?'),
      stations: db.prepare('SELECT station_id AS stationId, config, created_at AS createdAt, updated_at AS updatedAt FROM site_stations ORDER BY station_id'),
      upsertStation: db.prepare(`INSERT INTO site_stations (station_id, circuit_id, config, created_at, updated_at) VALUES (@stationId, @circuitId, @config, @createdAt, @updatedAt)
        ON CONFLICT (station_id) DO UPDATE SET circuit_id = excluded.circuit_id, config = excluded.config, updated_at = excluded.updated_at`),
      deleteStation: db.prepare('DELETE FROM site_stations WHERE station_id = ?'),
      vehicles: db.prepare('SELECT id, config, created_at AS createdAt, updated_at AS updatedAt FROM site_vehicles ORDER BY id'),
      upsertVehicle: db.prepare(`INSERT INTO site_vehicles (id, config, created_at, updated_at) VALUES (@id, @config, @createdAt, @updatedAt)
        ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`),
      deleteVehicle: db.prepare('DELETE FROM site_vehicles WHERE id = ?'),
      deleteTokens: db.prepare('DELETE FROM site_vehicle_tokens WHERE vehicle_id = ?'),
      insertToken: db.prepare('INSERT INTO site_vehicle_tokens (token, vehicle_id) VALUES (?, ?)'),
      config: db.prepare('SELECT config, updated_at AS updatedAt FROM site_config WHERE id = 1'),
      upsertConfig: db.prepare(`INSERT INTO site_config (id, config, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`),
    };
  }

  circuits(): Circuit[] {
    return (this.s.circuits.all() as Array<{ id: string; config: string } & Stamped>).map((r) => ({ ...JSON.parse(r.config), id: r.id, createdAt: r.createdAt, updatedAt: r.updatedAt }));
  }

  saveCircuit(circuit: Circuit): void {
    const { id, createdAt, updatedAt, ...config } = circuit;
    this.s.upsertCircuit.run({ id, parentId: circuit.parentId, config: json(config), createdAt, updatedAt });
  }

  deleteCircuit(id: string): void {
    this.s.deleteCircuit.run(id);
  }

  stations(): StationElectrical[] {
    return (this.s.stations.all() as Array<{ stationId: string; config: string } & Stamped>).map((r) => {
      const config = JSON.parse(r.config) as Omit<StationElectrical, 'stationId' | 'createdAt' | 'updatedAt'>;
      // Rows saved before a quirk existed get its default.
      return { ...config, quirks: { ...DEFAULT_QUIRKS, ...config.quirks }, stationId: r.stationId, createdAt: r.createdAt, updatedAt: r.updatedAt };
    });
  }

  saveStation(station: StationElectrical): void {
    const { stationId, createdAt, updatedAt, ...config } = station;
    this.s.upsertStation.run({ stationId, circuitId: station.circuitId, config: json(config), createdAt, updatedAt });
  }

  deleteStation(stationId: string): void {
    this.s.deleteStation.run(stationId);
  }

  vehicles(): Vehicle[] {
    return (this.s.vehicles.all() as Array<{ id: string; config: string } & Stamped>).map((r) => ({ ...JSON.parse(r.config), id: r.id, createdAt: r.createdAt, updatedAt: r.updatedAt }));
  }

  /** Saves the vehicle and makes its id tokens (upper-cased) point at it. */
  saveVehicle(vehicle: Vehicle): void {
    const { id, createdAt, updatedAt, ...config } = vehicle;
    this.s.upsertVehicle.run({ id, config: json(config), createdAt, updatedAt });
    this.s.deleteTokens.run(id);
    for (const token of vehicle.idTokens) this.s.insertToken.run(token.toUpperCase(), id);
  }

  deleteVehicle(id: string): void {
    this.s.deleteVehicle.run(id);
    this.s.deleteTokens.run(id);
  }

  config(): SiteConfig | undefined {
    const row = this.s.config.get() as { config: string; updatedAt: string } | undefined;
    return row ? { ...JSON.parse(row.config), updatedAt: row.updatedAt } : undefined;
  }

  saveConfig(config: SiteConfig): void {
    const { updatedAt, ...rest } = config;
    this.s.upsertConfig.run(json(rest), updatedAt);
  }
}
