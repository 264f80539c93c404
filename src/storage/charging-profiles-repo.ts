import type { ChargingProfile } from '../domain/charging-profile.ts';
import type { Db } from './database.ts';

export interface ChargingProfileRow {
  stationId: string;
  evseId: number;
  profile: ChargingProfile;
  status: string;
  answeredAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ClearCriteria {
  profileId?: number;
  evseId?: number;
  purpose?: ChargingProfile['purpose'];
  stackLevel?: number;
}

type Row = Omit<ChargingProfileRow, 'profile'> & { profile: string };

const columns = `station_id AS stationId, evse_id AS evseId, profile, status, answered_at AS answeredAt, created_at AS createdAt, updated_at AS updatedAt`;
const toProfile = (row: Row): ChargingProfileRow => ({ ...row, profile: JSON.parse(row.profile) as ChargingProfile });

/** The charging profiles Ampyard set on each station, with the station's answer. */
export class ChargingProfilesRepo {
  private readonly db: Db;
  private readonly s;

  constructor(db: Db) {
    this.db = db;
    this.s = {
      list: db.prepare(`SELECT ${columns} FROM charging_profiles WHERE station_id = ? ORDER BY evse_id, purpose, stack_level, profile_id`),
      get: db.prepare(`SELECT ${columns} FROM charging_profiles WHERE station_id = ? AND profile_id = ?`),
      inSlot: db.prepare(`SELECT ${columns} FROM charging_profiles WHERE station_id = ? AND evse_id = ? AND purpose = ? AND stack_level = ? ORDER BY profile_id`),
      maxId: db.prepare('SELECT COALESCE(MAX(profile_id), 0) AS id FROM charging_profiles'),
      upsert: db.prepare(`INSERT INTO charging_profiles (station_id, profile_id, evse_id, purpose, stack_level, transaction_id, profile, status, answered_at, created_at, updated_at)
        VALUES (@stationId, @profileId, @evseId, @purpose, @stackLevel, @transactionId, @profile, @status, @at, @at, @at)
        ON CONFLICT (station_id, profile_id) DO UPDATE SET evse_id = excluded.evse_id, purpose = excluded.purpose, stack_level = excluded.stack_level,
          transaction_id = excluded.transaction_id, profile = excluded.profile, status = excluded.status, answered_at = excluded.answered_at, updated_at = excluded.updated_at`),
      setStatus: db.prepare('UPDATE charging_profiles SET status = ?, answered_at = ?, updated_at = ? WHERE station_id = ? AND profile_id = ?'),
      removeSlot: db.prepare('DELETE FROM charging_profiles WHERE station_id = ? AND evse_id = ? AND purpose = ? AND stack_level = ? AND profile_id <> ?'),
      forTransaction: db.prepare('SELECT DISTINCT station_id AS stationId FROM charging_profiles WHERE transaction_id = ?'),
      removeForTransaction: db.prepare('DELETE FROM charging_profiles WHERE transaction_id = ?'),
    };
  }

  list(stationId: string): ChargingProfileRow[] {
    return (this.s.list.all(stationId) as Row[]).map(toProfile);
  }

  get(stationId: string, profileId: number): ChargingProfileRow | undefined {
    const row = this.s.get.get(stationId, profileId) as Row | undefined;
    return row ? toProfile(row) : undefined;
  }

  inSlot(stationId: string, evseId: number, purpose: string, stackLevel: number): ChargingProfileRow[] {
    return (this.s.inSlot.all(stationId, evseId, purpose, stackLevel) as Row[]).map(toProfile);
  }

  maxId(): number {
    return (this.s.maxId.get() as { id: number }).id;
  }

  upsert(stationId: string, evseId: number, profile: ChargingProfile, status: string, at: string): void {
    this.s.upsert.run({
      stationId, profileId: profile.id, evseId, purpose: profile.purpose, stackLevel: profile.stackLevel,
      transactionId: profile.transactionId ?? null, profile: JSON.stringify(profile), status, at,
    });
  }

  setStatus(stationId: string, profileId: number, status: string, at: string): void {
    this.s.setStatus.run(status, at, at, stationId, profileId);
  }

  /** A profile set in the same EVSE, purpose and stack level replaces the one there (OCPP 1.6 SetChargingProfile). */
  removeSlot(stationId: string, evseId: number, purpose: string, stackLevel: number, exceptId: number): void {
    this.s.removeSlot.run(stationId, evseId, purpose, stackLevel, exceptId);
  }

  /** Removes what a ClearChargingProfile with these criteria clears; no criteria clears all of the station's. */
  removeMatching(stationId: string, criteria: ClearCriteria): number {
    const where = ['station_id = ?'];
    const args: unknown[] = [stationId];
    if (criteria.profileId !== undefined) {
      where.push('profile_id = ?');
      args.push(criteria.profileId);
    } else {
      if (criteria.evseId !== undefined) {
        where.push('evse_id = ?');
        args.push(criteria.evseId);
      }
      if (criteria.purpose !== undefined) {
        where.push('purpose = ?');
        args.push(criteria.purpose);
      }
      if (criteria.stackLevel !== undefined) {
        where.push('stack_level = ?');
        args.push(criteria.stackLevel);
      }
    }
    return this.db.prepare(`DELETE FROM charging_profiles WHERE ${where.join(' AND ')}`).run(...args).changes;
  }

  /** Removes the tx profiles of a transaction; returns the stations that had any. */
  removeForTransaction(transactionId: number): string[] {
    const stations = (this.s.forTransaction.all(transactionId) as { stationId: string }[]).map((r) => r.stationId);
    if (stations.length) this.s.removeForTransaction.run(transactionId);
    return stations;
  }
}
