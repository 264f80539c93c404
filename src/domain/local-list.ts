import type { ListedToken, LocalListRepo, LocalListSyncRow } from '../storage/local-list-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import type { IdTokenStatus } from './id-tokens.ts';

export type { ListedToken };

export type LocalListSyncStatus = 'in_sync' | 'out_of_date' | 'failed' | 'unknown';
/** The station's answer to the last list Ampyard sent; `pending` while none came (e.g. it timed out). */
export type LocalListAnswer = 'pending' | 'accepted' | 'failed' | 'notsupported' | 'versionmismatch';
export type LocalListUpdateType = 'full' | 'differential';

/** One entry as sent; `info: null` removes the token from the station's list (differential updates only). */
export interface LocalListEntry {
  token: string;
  type: string;
  info: { status: IdTokenStatus; expiresAt: string | null; groupId: string | null } | null;
}

export interface LocalListUpdate {
  stationId: string;
  version: number;
  updateType: LocalListUpdateType;
  /** Ampyard's list revision (change-log position) this update brings the station to. */
  revision: number;
  entries: LocalListEntry[];
  /** Tokens left out because the station's OCPP version cannot carry them (1.6 id tags are at most 20 characters). */
  skipped: string[];
}

export interface LocalListStatus {
  stationId: string;
  syncStatus: LocalListSyncStatus;
  lastSent: { version: number; updateType: LocalListUpdateType; revision: number; entries: number; at: string; answer: LocalListAnswer; answeredAt: string | null } | null;
  accepted: { version: number; revision: number; at: string } | null;
  reported: { version: number; at: string } | null;
  /** The next update will be a full one (after Failed or VersionMismatch, or a reported version Ampyard did not send). */
  needsFull: boolean;
  /** Tokens changed in Ampyard since the revision the station accepted. */
  pendingChanges: number;
  /** Ampyard's current list revision and size. */
  revision: number;
  entries: number;
}

const answers: LocalListAnswer[] = ['accepted', 'failed', 'notsupported', 'versionmismatch'];

function syncStatus(row: LocalListSyncRow | undefined, revision: number): LocalListSyncStatus {
  if (!row) return 'unknown';
  if (row.sentStatus && row.sentStatus !== 'pending' && row.sentStatus !== 'accepted') return 'failed';
  if (row.acceptedRevision === null) return 'unknown';
  if (row.needsFull || row.acceptedRevision < revision) return 'out_of_date';
  return 'in_sync';
}

/**
 * The local authorization list: Ampyard's operator id tokens (unless excluded), with each station's sync state.
 * Version numbers are per station and always increase, so a differential update never repeats a version the
 * station already has; what a station has is tracked as a revision of Ampyard's change log.
 */
export class LocalListService {
  private readonly repo: LocalListRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: LocalListRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
  }

  status(stationId: string): LocalListStatus {
    return this.describe(stationId, this.repo.sync(stationId), this.repo.revision(), this.repo.count());
  }

  statuses(stationIds: string[]): LocalListStatus[] {
    const rows = new Map(this.repo.allSync().map((r) => [r.stationId, r]));
    const revision = this.repo.revision();
    const count = this.repo.count();
    return stationIds.map((id) => this.describe(id, rows.get(id), revision, count));
  }

  revision(): number {
    return this.repo.revision();
  }

  entries(): ListedToken[] {
    return this.repo.listed();
  }

  tokens(): Array<ListedToken & { included: boolean }> {
    return this.repo.operatorTokens();
  }

  /** Includes or excludes an id token from the list; false if there is no such token. */
  setIncluded(token: string, included: boolean): Promise<boolean> {
    return this.writes.run(() => this.repo.setIncluded(token, included));
  }

  /**
   * Builds the next update for a station and records it as sent. A differential update becomes a full one when
   * the station never accepted a list or must get a full one.
   */
  prepare(stationId: string, requested: LocalListUpdateType, fits: (token: string) => boolean, now = new Date()): Promise<LocalListUpdate> {
    return this.writes.run(() => {
      const row = this.repo.sync(stationId);
      const revision = this.repo.revision();
      const full = requested === 'full' || !row || row.acceptedRevision === null || row.needsFull === 1;
      const version = Math.max(row?.sentVersion ?? 0, row?.acceptedVersion ?? 0, row?.reportedVersion ?? 0) + 1;
      const skipped: string[] = [];
      const entries: LocalListEntry[] = [];
      const add = (token: string, type: string | null, listed: ListedToken | undefined) => {
        if (!fits(token)) {
          if (listed) skipped.push(token);
          return;
        }
        entries.push({ token: listed?.token ?? token, type: listed?.type ?? type ?? 'ISO14443', info: listed ? this.info(listed, now) : null });
      };
      if (full) for (const listed of this.repo.listed()) add(listed.token, listed.type, listed);
      else for (const { token, type } of this.repo.changedSince(row!.acceptedRevision!)) add(token, type, this.repo.listedToken(token));
      const updateType = full ? 'full' : 'differential';
      this.repo.recordSent({ stationId, version, updateType, revision, entries: entries.length, at: now.toISOString() });
      return { stationId, version, updateType, revision, entries, skipped };
    });
  }

  /** Records the station's answer to `update`; anything but Accepted means the next update must be full. */
  async answered(update: LocalListUpdate, answer: string): Promise<LocalListStatus> {
    const at = new Date().toISOString();
    await this.writes.run(() => {
      if (this.repo.sync(update.stationId)?.sentVersion !== update.version) return; // a newer update was sent meanwhile
      if (answer === 'accepted') this.repo.recordAccepted(update.stationId, at);
      else this.repo.recordRefused(update.stationId, answers.includes(answer as LocalListAnswer) ? answer : 'failed', at);
    });
    return this.changed(update.stationId);
  }

  /** Records the list version the station reports (GetLocalListVersion). */
  async reported(stationId: string, version: number): Promise<LocalListStatus> {
    const at = new Date().toISOString();
    await this.writes.run(() => {
      const before = this.repo.sync(stationId);
      this.repo.recordReported(stationId, version, at);
      // It applied the update whose answer was lost.
      if (before?.sentStatus === 'pending' && before.sentVersion === version) this.repo.recordAccepted(stationId, at);
      else if (before?.acceptedVersion !== version) this.repo.requireFull(stationId);
    });
    return this.changed(stationId);
  }

  private changed(stationId: string): LocalListStatus {
    const status = this.status(stationId);
    this.events.publish({ type: 'local-list.updated', data: status });
    return status;
  }

  private info(token: ListedToken, now: Date): NonNullable<LocalListEntry['info']> {
    const expired = token.status === 'accepted' && token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime();
    return { status: expired ? 'expired' : token.status, expiresAt: token.expiresAt, groupId: token.groupId };
  }

  private describe(stationId: string, row: LocalListSyncRow | undefined, revision: number, count: number): LocalListStatus {
    const sent = row?.sentVersion != null && row.sentAt !== null;
    return {
      stationId,
      syncStatus: syncStatus(row, revision),
      lastSent: sent
        ? {
            version: row.sentVersion!,
            updateType: row.sentUpdateType!,
            revision: row.sentRevision!,
            entries: row.sentEntries!,
            at: row.sentAt!,
            answer: (row.sentStatus ?? 'pending') as LocalListAnswer,
            answeredAt: row.answeredAt,
          }
        : null,
      accepted: row && row.acceptedVersion !== null ? { version: row.acceptedVersion, revision: row.acceptedRevision!, at: row.acceptedAt! } : null,
      reported: row && row.reportedVersion !== null ? { version: row.reportedVersion, at: row.reportedAt! } : null,
      needsFull: row?.needsFull === 1,
      pendingChanges: row && row.acceptedRevision !== null ? this.repo.countChangedSince(row.acceptedRevision) : count,
      revision,
      entries: count,
    };
  }
}
