import type { IdTokenStatus } from '../domain/id-tokens.ts';
import type { Db } from './database.ts';

/** An id token as it goes on the local authorization list. */
export interface ListedToken {
  token: string;
  type: string;
  status: IdTokenStatus;
  expiresAt: string | null;
  groupId: string | null;
}

export interface LocalListSyncRow {
  stationId: string;
  sentVersion: number | null;
  sentUpdateType: 'full' | 'differential' | null;
  sentRevision: number | null;
  sentEntries: number | null;
  sentAt: string | null;
  sentStatus: string | null;
  answeredAt: string | null;
  acceptedVersion: number | null;
  acceptedRevision: number | null;
  acceptedAt: string | null;
  reportedVersion: number | null;
  reportedAt: string | null;
  needsFull: number;
}

const listed = `token, type, status, expires_at AS expiresAt, group_id AS groupId`;
const onList = `source = 'operator' AND in_local_list = 1`;
const syncColumns = `station_id AS stationId, sent_version AS sentVersion, sent_update_type AS sentUpdateType, sent_revision AS sentRevision,
  sent_entries AS sentEntries, sent_at AS sentAt, sent_status AS sentStatus, answered_at AS answeredAt, accepted_version AS acceptedVersion,
  accepted_revision AS acceptedRevision, accepted_at AS acceptedAt, reported_version AS reportedVersion, reported_at AS reportedAt, needs_full AS needsFull`;

/** The local list's contents (from id_tokens), its change log, and each station's sync state. */
export class LocalListRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      revision: db.prepare('SELECT COALESCE(MAX(revision), 0) AS r FROM local_list_changes'),
      listed: db.prepare(`SELECT ${listed} FROM id_tokens WHERE ${onList} ORDER BY token`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM id_tokens WHERE ${onList}`),
      listedToken: db.prepare(`SELECT ${listed} FROM id_tokens WHERE token = ? AND ${onList}`),
      changedSince: db.prepare(`SELECT token, type FROM local_list_changes WHERE revision IN
        (SELECT MAX(revision) FROM local_list_changes WHERE revision > ? GROUP BY token) ORDER BY token`),
      countChangedSince: db.prepare('SELECT COUNT(DISTINCT token) AS n FROM local_list_changes WHERE revision > ?'),
      operatorTokens: db.prepare(`SELECT ${listed}, in_local_list AS included FROM id_tokens WHERE source = 'operator' ORDER BY token`),
      setIncluded: db.prepare('UPDATE id_tokens SET in_local_list = ? WHERE token = ?'),
      sync: db.prepare(`SELECT ${syncColumns} FROM local_list_sync WHERE station_id = ?`),
      allSync: db.prepare(`SELECT ${syncColumns} FROM local_list_sync`),
      sent: db.prepare(`INSERT INTO local_list_sync (station_id, sent_version, sent_update_type, sent_revision, sent_entries, sent_at, sent_status, answered_at)
        VALUES (@stationId, @version, @updateType, @revision, @entries, @at, 'pending', NULL)
        ON CONFLICT (station_id) DO UPDATE SET sent_version = excluded.sent_version, sent_update_type = excluded.sent_update_type,
          sent_revision = excluded.sent_revision, sent_entries = excluded.sent_entries, sent_at = excluded.sent_at, sent_status = 'pending', answered_at = NULL`),
      accepted: db.prepare(`UPDATE local_list_sync SET sent_status = 'accepted', answered_at = @at, accepted_version = sent_version,
        accepted_revision = sent_revision, accepted_at = @at, needs_full = 0 WHERE station_id = @stationId`),
      refused: db.prepare(`UPDATE local_list_sync SET sent_status = @status, answered_at = @at, needs_full = 1 WHERE station_id = @stationId`),
      reported: db.prepare(`INSERT INTO local_list_sync (station_id, reported_version, reported_at) VALUES (@stationId, @version, @at)
        ON CONFLICT (station_id) DO UPDATE SET reported_version = excluded.reported_version, reported_at = excluded.reported_at`),
      mustSendFull: db.prepare('UPDATE local_list_sync SET needs_full = 1 WHERE station_id = ?'),
    };
  }

  revision(): number {
    return (this.s.revision.get() as { r: number }).r;
  }

  listed(): ListedToken[] {
    return this.s.listed.all() as ListedToken[];
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n;
  }

  listedToken(token: string): ListedToken | undefined {
    return this.s.listedToken.get(token) as ListedToken | undefined;
  }

  /** Each token changed after `revision`, once, with its type as last logged. */
  changedSince(revision: number): Array<{ token: string; type: string | null }> {
    return this.s.changedSince.all(revision) as Array<{ token: string; type: string | null }>;
  }

  countChangedSince(revision: number): number {
    return (this.s.countChangedSince.get(revision) as { n: number }).n;
  }

  operatorTokens(): Array<ListedToken & { included: boolean }> {
    return (this.s.operatorTokens.all() as Array<ListedToken & { included: number }>).map((t) => ({ ...t, included: t.included === 1 }));
  }

  setIncluded(token: string, included: boolean): boolean {
    return this.s.setIncluded.run(included ? 1 : 0, token).changes > 0;
  }

  sync(stationId: string): LocalListSyncRow | undefined {
    return this.s.sync.get(stationId) as LocalListSyncRow | undefined;
  }

  allSync(): LocalListSyncRow[] {
    return this.s.allSync.all() as LocalListSyncRow[];
  }

  recordSent(sent: { stationId: string; version: number; updateType: 'full' | 'differential'; revision: number; entries: number; at: string }): void {
    this.s.sent.run(sent);
  }

  recordAccepted(stationId: string, at: string): void {
    this.s.accepted.run({ stationId, at });
  }

  recordRefused(stationId: string, status: string, at: string): void {
    this.s.refused.run({ stationId, status, at });
  }

  recordReported(stationId: string, version: number, at: string): void {
    this.s.reported.run({ stationId, version, at });
  }

  requireFull(stationId: string): void {
    this.s.mustSendFull.run(stationId);
  }
}
