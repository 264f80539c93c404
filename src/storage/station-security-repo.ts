import type { SecurityProfile, StationCredential } from '../domain/station-security-state.ts';
import type { Db } from './database.ts';

/** One station's row, hashes included: never hand this to the API (StationSecurity.state() is the public view). */
export interface StationSecurityRow {
  stationId: string;
  securityProfile: SecurityProfile | null;
  profileReason: string | null;
  pendingProfile: SecurityProfile | null;
  pendingSince: string | null;
  passwordHash: string | null;
  previousPasswordHash: string | null;
  passwordSetAt: string | null;
  lastProfile: SecurityProfile | null;
  lastCredential: StationCredential | null;
  lastCertificateSerial: string | null;
  lastAddress: string | null;
  lastHost: string | null;
  lastAuthenticatedAt: string | null;
  updatedAt: string;
}

const columns = `station_id AS stationId, security_profile AS securityProfile, profile_reason AS profileReason,
  pending_profile AS pendingProfile, pending_since AS pendingSince, password_hash AS passwordHash,
  previous_password_hash AS previousPasswordHash, password_set_at AS passwordSetAt, last_profile AS lastProfile,
  last_credential AS lastCredential, last_certificate_serial AS lastCertificateSerial, last_address AS lastAddress,
  last_host AS lastHost, last_authenticated_at AS lastAuthenticatedAt, updated_at AS updatedAt`;

/** Per-station security profile and password hashes. Writes run inside the write queue. */
export class StationSecurityRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare(`SELECT ${columns} FROM station_security WHERE station_id = ?`),
      all: db.prepare(`SELECT ${columns} FROM station_security ORDER BY station_id`),
      save: db.prepare(`INSERT INTO station_security (station_id, security_profile, profile_reason, pending_profile, pending_since,
          password_hash, previous_password_hash, password_set_at, last_profile, last_credential, last_certificate_serial, last_address,
          last_host, last_authenticated_at, updated_at)
        VALUES (@stationId, @securityProfile, @profileReason, @pendingProfile, @pendingSince, @passwordHash, @previousPasswordHash,
          @passwordSetAt, @lastProfile, @lastCredential, @lastCertificateSerial, @lastAddress, @lastHost, @lastAuthenticatedAt, @updatedAt)
        ON CONFLICT (station_id) DO UPDATE SET security_profile = excluded.security_profile, profile_reason = excluded.profile_reason,
          pending_profile = excluded.pending_profile, pending_since = excluded.pending_since, password_hash = excluded.password_hash,
          previous_password_hash = excluded.previous_password_hash, password_set_at = excluded.password_set_at,
          last_profile = excluded.last_profile, last_credential = excluded.last_credential,
          last_certificate_serial = excluded.last_certificate_serial, last_address = excluded.last_address, last_host = excluded.last_host,
          last_authenticated_at = excluded.last_authenticated_at, updated_at = excluded.updated_at`),
    };
  }

  get(stationId: string): StationSecurityRow | undefined {
    return this.s.get.get(stationId) as StationSecurityRow | undefined;
  }

  all(): StationSecurityRow[] {
    return this.s.all.all() as StationSecurityRow[];
  }

  save(row: StationSecurityRow): void {
    this.s.save.run(row);
  }
}
