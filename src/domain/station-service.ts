import type { Logger } from '../log/logger.ts';
import { isoNow } from '../platform/iso-now.ts';
import type { OcppVersion } from '../ocpp/versions.ts';
import type { StationsRepo } from '../storage/stations-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import type { ConnectorUpdate, Registration, Station, StationIdentity } from './station.ts';

import { NotFoundError } from './errors.ts';

export { NotFoundError };

export interface StationServiceOptions {
  /** Read at each unknown station's first connection: an operator setting that changes at run time. */
  acceptUnknownStations: () => boolean;
}

function emptyStation(id: string, registration: Registration, now: string): Station {
  return {
    id,
    quirks: {},
    registration,
    ocppVersion: null,
    vendor: null,
    model: null,
    serialNumber: null,
    firmwareVersion: null,
    iccid: null,
    imsi: null,
    meterType: null,
    meterSerialNumber: null,
    connected: false,
    remoteAddress: null,
    connectedAt: null,
    disconnectedAt: null,
    lastSeen: null,
    lastBootAt: null,
    bootReason: null,
    status: null,
    errorCode: null,
    evses: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The stations of the site: registration, identity, connection and connector state. Holds every station in
 * memory (a depot has thousands at most) and writes through to SQLite; `lastSeen` is flushed periodically
 * rather than on every message.
 */
export class StationService {
  private readonly stations = new Map<string, Station>();
  private readonly dirtyLastSeen = new Map<string, string>();
  private readonly repo: StationsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly options: StationServiceOptions;
  private readonly log: Logger;

  constructor(repo: StationsRepo, writes: WriteQueue, events: EventBus, options: StationServiceOptions, log: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.options = options;
    this.log = log;
    for (const station of repo.loadAll()) this.stations.set(station.id, station);
  }

  list(filter: { registration?: Registration } = {}): Station[] {
    const all = [...this.stations.values()];
    return filter.registration ? all.filter((s) => s.registration === filter.registration) : all;
  }

  get(id: string): Station | undefined {
    return this.stations.get(id);
  }

  require(id: string): Station {
    const station = this.stations.get(id);
    if (!station) throw new NotFoundError(`no station with id '${id}'`);
    return station;
  }

  connectedCount(): number {
    let n = 0;
    for (const s of this.stations.values()) if (s.connected) n++;
    return n;
  }

  /** Pre-registers a station id (an installer adding a charger before it first connects). */
  async register(id: string): Promise<{ station: Station; created: boolean }> {
    const existing = this.stations.get(id);
    if (existing) return { station: existing, created: false };
    const station = emptyStation(id, 'accepted', new Date().toISOString());
    await this.persist(station);
    return { station, created: true };
  }

  async setQuirks(id: string, quirks: Record<string, unknown>): Promise<Station> {
    const station = this.require(id);
    station.quirks = quirks;
    await this.persist(station);
    return station;
  }

  async setRegistration(id: string, registration: Registration): Promise<Station> {
    const station = this.require(id);
    if (station.registration !== registration) {
      station.registration = registration;
      await this.persist(station);
      this.log.info('station registration changed', { station: id, registration });
    }
    return station;
  }

  async connected(id: string, version: OcppVersion, remoteAddress: string | null): Promise<Station> {
    const now = new Date().toISOString();
    let station = this.stations.get(id);
    if (!station) {
      station = emptyStation(id, this.options.acceptUnknownStations() ? 'accepted' : 'pending', now);
      this.log.info(station.registration === 'pending' ? 'unknown station connected; awaiting approval' : 'unknown station connected and accepted', { station: id });
    }
    Object.assign(station, { connected: true, ocppVersion: version, remoteAddress, connectedAt: now, lastSeen: now });
    await this.persist(station);
    return station;
  }

  async disconnected(id: string): Promise<void> {
    const station = this.stations.get(id);
    if (!station || !station.connected) return;
    station.connected = false;
    station.disconnectedAt = new Date().toISOString();
    this.dirtyLastSeen.delete(id);
    await this.persist(station);
  }

  seen(id: string): void {
    const station = this.stations.get(id);
    if (!station) return;
    station.lastSeen = isoNow();
    this.dirtyLastSeen.set(id, station.lastSeen);
  }

  /** Records a boot and decides the registration answer. */
  async booted(id: string, identity: Partial<StationIdentity>, reason: string | null): Promise<Registration> {
    const station = this.require(id);
    for (const [key, value] of Object.entries(identity) as [keyof StationIdentity, string | null | undefined][]) {
      if (value !== undefined) station[key] = value;
    }
    station.lastBootAt = new Date().toISOString();
    station.bootReason = reason;
    await this.persist(station);
    this.events.publish({ type: 'station.booted', data: { stationId: id, registration: station.registration, reason, at: station.lastBootAt } });
    return station.registration;
  }

  async connectorStatus(id: string, update: ConnectorUpdate): Promise<void> {
    const station = this.require(id);
    const { evseId, connectorId, status, errorCode, vendorErrorCode, info, timestamp } = update;
    if (evseId === 0) {
      station.status = status;
      station.errorCode = errorCode;
      await this.persist(station);
      return;
    }
    let evse = station.evses.find((e) => e.evseId === evseId);
    if (!evse) {
      evse = { evseId, connectors: [] };
      station.evses.push(evse);
      station.evses.sort((a, b) => a.evseId - b.evseId);
    }
    let connector = evse.connectors.find((c) => c.connectorId === connectorId);
    if (!connector) {
      connector = { connectorId, status, errorCode, vendorErrorCode, info, statusAt: timestamp };
      evse.connectors.push(connector);
      evse.connectors.sort((a, b) => a.connectorId - b.connectorId);
    }
    Object.assign(connector, { status, errorCode, vendorErrorCode, info, statusAt: timestamp });
    const saved = connector;
    await this.writes.run(() => this.repo.saveConnector(id, evseId, saved));
    this.events.publish({ type: 'connector.updated', data: { stationId: id, evseId, connectorId, status, errorCode } });
  }

  /**
   * Writes the last-seen times gathered since the previous call; `perTurn` of them per event-loop turn, so that
   * thousands of stations do not hold up their own messages for one long transaction.
   */
  flushLastSeen(perTurn = Infinity): void {
    if (this.dirtyLastSeen.size === 0) return;
    const entries = [...this.dirtyLastSeen];
    this.dirtyLastSeen.clear();
    const save = (from: number) => {
      try {
        this.repo.saveLastSeen(entries.slice(from, from + perTurn));
      } catch (error) {
        this.log.warn('could not store last-seen times', { error });
      }
      if (from + perTurn < entries.length) setImmediate(save, from + perTurn);
    };
    save(0);
  }

  private async persist(station: Station): Promise<void> {
    station.updatedAt = new Date().toISOString();
    this.stations.set(station.id, station);
    await this.writes.run(() => this.repo.save(station));
    this.events.publish({ type: 'station.updated', data: station });
  }
}
