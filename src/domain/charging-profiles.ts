import type { ChargingProfileRow, ChargingProfilesRepo, ClearCriteria } from '../storage/charging-profiles-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { stillValid, type ChargingProfile } from './charging-profile.ts';
import type { EventBus } from './events.ts';

export type { ClearCriteria };

/** A profile as Ampyard keeps it; `status` is the station's answer when last sent (accepted, rejected, notsupported). */
export interface StoredChargingProfile extends ChargingProfileRow {
  /** Whether it can still apply now (see stillValid); only valid accepted profiles are re-applied. */
  valid: boolean;
}

/**
 * The charging profiles Ampyard has set, per station and EVSE, so they can be shown and sent again (e.g. after
 * a station reboot that lost them). Tx profiles go when their transaction ends.
 */
export class ChargingProfileService {
  private readonly repo: ChargingProfilesRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private lastId: number;

  constructor(repo: ChargingProfilesRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.lastId = repo.maxId();
    events.subscribe((event) => {
      if (event.type === 'transaction.ended') this.transactionEnded(event.data.id).catch(() => undefined);
    });
  }

  list(stationId: string, now = Date.now()): StoredChargingProfile[] {
    return this.repo.list(stationId).map((row) => ({ ...row, valid: stillValid(row.profile, now) }));
  }

  get(stationId: string, profileId: number): ChargingProfileRow | undefined {
    return this.repo.get(stationId, profileId);
  }

  /** A profile id not used by any stored profile (ids only need to be unique on a station; these are unique overall). */
  nextId(): number {
    this.lastId = Math.max(this.lastId, this.repo.maxId()) + 1;
    return this.lastId;
  }

  /** The id of the profile Ampyard keeps in this EVSE, purpose and stack level, to replace it rather than add one. */
  idInSlot(stationId: string, evseId: number, purpose: ChargingProfile['purpose'], stackLevel: number): number | undefined {
    return this.repo.inSlot(stationId, evseId, purpose, stackLevel)[0]?.profile.id;
  }

  /** Accepted profiles that still apply, to send again; `transactionActive` tells whether a tx profile’s session still runs. */
  reapplicable(stationId: string, transactionActive: (id: number) => boolean, now = Date.now()): ChargingProfileRow[] {
    return this.repo
      .list(stationId)
      .filter((row) => row.status === 'accepted' && stillValid(row.profile, now) && (row.profile.transactionId === undefined || transactionActive(row.profile.transactionId)));
  }

  /**
   * Records the station's answer to a new profile. Accepted, it replaces the profile with its id and any other in
   * its EVSE, purpose and stack level. Refused, it is kept as refused unless Ampyard holds an accepted profile with
   * that id, which the station still has.
   */
  async answered(stationId: string, evseId: number, profile: ChargingProfile, status: string): Promise<void> {
    const at = new Date().toISOString();
    await this.writes.run(() => {
      if (status === 'accepted') {
        this.repo.removeSlot(stationId, evseId, profile.purpose, profile.stackLevel, profile.id);
        this.repo.upsert(stationId, evseId, profile, status, at);
      } else if (this.repo.get(stationId, profile.id)?.status !== 'accepted') {
        this.repo.upsert(stationId, evseId, profile, status, at);
      }
    });
    this.changed(stationId);
  }

  /** The station's answer to a stored profile sent again. */
  async reapplied(stationId: string, profileId: number, status: string): Promise<void> {
    await this.writes.run(() => this.repo.setStatus(stationId, profileId, status, new Date().toISOString()));
    this.changed(stationId);
  }

  /** The station accepted a ClearChargingProfile with these criteria. */
  async cleared(stationId: string, criteria: ClearCriteria): Promise<number> {
    const removed = await this.writes.run(() => this.repo.removeMatching(stationId, criteria));
    if (removed) this.changed(stationId);
    return removed;
  }

  private async transactionEnded(transactionId: number): Promise<void> {
    const stations = await this.writes.run(() => this.repo.removeForTransaction(transactionId));
    for (const stationId of stations) this.changed(stationId);
  }

  private changed(stationId: string): void {
    this.events.publish({ type: 'charging-profiles.updated', data: { stationId } });
  }
}
