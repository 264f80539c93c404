import type { Logger } from '../log/logger.ts';
import type { SessionsRepo } from '../storage/sessions-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { CredentialRevocations } from './revocations.ts';
import type { Role } from './roles.ts';
import { randomSecret, sha256 } from './secrets.ts';

export interface SessionOptions {
  /** A session ends after this long without a request… */
  idleMs: number;
  /** …and in any case this long after login. */
  absoluteMs: number;
  /** The idle expiry is pushed forward (one write) at most this often per session. */
  renewEveryMs: number;
  now: () => number;
}

export const defaultSessionOptions: SessionOptions = {
  idleMs: 12 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  renewEveryMs: 60 * 1000,
  now: Date.now,
};

export interface ActiveSession {
  idHash: string;
  userId: number;
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Browser sessions, stored server-side. The browser holds a random session id in an HTTP-only cookie; the
 * database holds only its SHA-256. Expiry slides with use, up to an absolute limit.
 */
export class SessionService {
  private readonly repo: SessionsRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger;
  private readonly options: SessionOptions;
  private readonly revocations: CredentialRevocations | undefined;
  private lastSweep = 0;

  constructor(repo: SessionsRepo, writes: WriteQueue, log: Logger, options: Partial<SessionOptions> = {}, revocations?: CredentialRevocations) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
    this.options = { ...defaultSessionOptions, ...options };
    this.revocations = revocations;
  }

  /** Opens a session; the returned `sessionId` goes into the cookie and is not kept anywhere. */
  async start(userId: number, client: { ip: string | null; userAgent: string | null }): Promise<{ sessionId: string; session: Pick<ActiveSession, 'idHash' | 'csrfToken' | 'expiresAt'> }> {
    const now = this.options.now();
    const sessionId = randomSecret(32);
    const idHash = sha256(sessionId);
    const csrfToken = randomSecret(24);
    const expiresAt = new Date(now + this.options.idleMs).toISOString();
    await this.writes.run(() => {
      this.repo.insert({
        idHash,
        userId,
        csrfToken,
        createdAt: new Date(now).toISOString(),
        expiresAt,
        absoluteExpiresAt: new Date(now + this.options.absoluteMs).toISOString(),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
      });
    });
    this.sweepNowAndThen(now);
    return { sessionId, session: { idHash, csrfToken, expiresAt } };
  }

  /** The live session for a cookie value, renewing its idle expiry; undefined if unknown, expired or its user disabled. */
  resolve(sessionId: string): ActiveSession | undefined {
    if (sessionId.length < 20 || sessionId.length > 100) return undefined;
    const idHash = sha256(sessionId);
    const row = this.repo.get(idHash);
    if (!row) return undefined;
    const now = this.options.now();
    const nowIso = new Date(now).toISOString();
    if (row.disabled || row.expiresAt <= nowIso || row.absoluteExpiresAt <= nowIso) {
      this.background(() => this.repo.remove(idHash));
      return undefined;
    }
    let expiresAt = row.expiresAt;
    if (now - Date.parse(row.renewedAt) >= this.options.renewEveryMs) {
      const renewed = new Date(Math.min(now + this.options.idleMs, Date.parse(row.absoluteExpiresAt))).toISOString();
      expiresAt = renewed;
      this.background(() => this.repo.renew(idHash, nowIso, renewed));
    }
    return { idHash, userId: row.userId, username: row.username, role: row.role, csrfToken: row.csrfToken, expiresAt };
  }

  /**
   * Whether the session is still live (known, unexpired, its user enabled), without renewing it: for
   * long-lived connections such as the event stream, which re-check their session now and then.
   */
  isLive(idHash: string): boolean {
    const row = this.repo.get(idHash);
    if (!row) return false;
    const nowIso = new Date(this.options.now()).toISOString();
    return !row.disabled && row.expiresAt > nowIso && row.absoluteExpiresAt > nowIso;
  }

  async end(idHash: string): Promise<void> {
    await this.writes.run(() => this.repo.remove(idHash));
    this.revocations?.emit();
  }

  /** Ends every session of a user, except `keepIdHash` (the one that changed its own password). */
  async endAllOf(userId: number, keepIdHash?: string): Promise<void> {
    await this.writes.run(() => this.repo.removeForUser(userId, keepIdHash));
    this.revocations?.emit();
  }

  private sweepNowAndThen(now: number): void {
    if (now - this.lastSweep < 60 * 60 * 1000) return;
    this.lastSweep = now;
    this.background(() => this.repo.removeExpired(new Date(now).toISOString()));
  }

  private background(write: () => unknown): void {
    this.writes.run(write).catch((error: Error) => this.log.warn('could not update a session', { error: error.message }));
  }
}
