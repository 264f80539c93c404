import type { ChargingProfileReport, ReportedChargingProfile } from '../domain/charging-profile-reports.ts';
import type { Db } from './database.ts';

type ReportRow = Omit<ChargingProfileReport, 'criteria' | 'profiles' | 'complete'> & { criteria: string };

const columns = `station_id AS stationId, request_id AS requestId, criteria, status, requested_at AS requestedAt,
  parts_received AS partsReceived, completed_at AS completedAt`;

/** GetChargingProfiles requests and the profiles their ReportChargingProfiles parts listed. */
export class ChargingProfileReportsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      // Request ids are never reused, so a row that exists already holds parts that overtook the station's answer.
      request: db.prepare(`INSERT INTO charging_profile_reports (station_id, request_id, criteria, status, requested_at, completed_at)
          VALUES (@stationId, @requestId, @criteria, @status, @at, @completedAt)
        ON CONFLICT DO UPDATE SET criteria = excluded.criteria, status = excluded.status, requested_at = MIN(requested_at, excluded.requested_at),
          completed_at = COALESCE(completed_at, excluded.completed_at)`),
      // A part for a request Ampyard did not make is kept as an unsolicited report.
      part: db.prepare(`INSERT INTO charging_profile_reports (station_id, request_id, criteria, requested_at, parts_received, completed_at)
          VALUES (@stationId, @requestId, '{"unsolicited":true}', @at, 1, @completedAt)
        ON CONFLICT DO UPDATE SET parts_received = parts_received + 1, completed_at = COALESCE(@completedAt, completed_at)`),
      profile: db.prepare('INSERT INTO reported_charging_profiles (station_id, request_id, evse_id, source, profile, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare(`SELECT ${columns} FROM charging_profile_reports WHERE station_id = ? AND request_id = ?`),
      list: db.prepare(`SELECT ${columns} FROM charging_profile_reports WHERE station_id = ? ORDER BY requested_at DESC, request_id DESC LIMIT ?`),
      profiles: db.prepare('SELECT profile FROM reported_charging_profiles WHERE station_id = ? AND request_id = ? ORDER BY id'),
    };
  }

  requested(stationId: string, requestId: number, criteria: Record<string, unknown>, status: string, at: string, complete: boolean): void {
    this.s.request.run({ stationId, requestId, criteria: JSON.stringify(criteria), status, at, completedAt: complete ? at : null });
  }

  part(stationId: string, requestId: number, last: boolean, at: string, profiles: ReportedChargingProfile[]): void {
    this.s.part.run({ stationId, requestId, at, completedAt: last ? at : null });
    for (const profile of profiles) this.s.profile.run(stationId, requestId, profile.evseId, profile.source, JSON.stringify(profile), at);
  }

  get(stationId: string, requestId: number): ChargingProfileReport | undefined {
    const row = this.s.get.get(stationId, requestId) as ReportRow | undefined;
    return row ? this.toReport(row) : undefined;
  }

  list(stationId: string, limit: number): ChargingProfileReport[] {
    return (this.s.list.all(stationId, limit) as ReportRow[]).map((row) => this.toReport(row));
  }

  private toReport(row: ReportRow): ChargingProfileReport {
    const profiles = (this.s.profiles.all(row.stationId, row.requestId) as Array<{ profile: string }>).map((p) => JSON.parse(p.profile) as ReportedChargingProfile);
    return { ...row, criteria: JSON.parse(row.criteria) as Record<string, unknown>, complete: row.completedAt !== null, profiles };
  }
}
