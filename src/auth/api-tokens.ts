import { ParamsError } from '../commands/params.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { ApiTokenRow, ApiTokensRepo } from '../storage/api-tokens-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { CredentialRevocations } from './revocations.ts';
import type { Role } from './roles.ts';
import { randomSecret, sha256 } from './secrets.ts';

/** A token as listed: which user it acts as, its label, when it was last used; never the secret. */
export type ApiToken = ApiTokenRow;

const TOKEN_PREFIX = 'ampy_';
const TOKEN_FORMAT = /^ampy_[A-Za-z0-9_-]{43}$/;
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * API tokens for integrations: `Authorization: Bearer ampy_…`. A token acts as its user, with the user's
 * current role. The secret is shown once, at creation; only its SHA-256 is stored (it is random and long,
 * so a fast hash is enough).
 */
export class ApiTokenService {
  private readonly repo: ApiTokensRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger | undefined;
  private readonly touched = new Map<number, number>();
  private readonly revocations: CredentialRevocations | undefined;

  constructor(repo: ApiTokensRepo, writes: WriteQueue, log?: Logger, revocations?: CredentialRevocations) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
    this.revocations = revocations;
  }

  async create(userId: number, name: unknown): Promise<{ token: ApiToken; secret: string }> {
    const label = name === undefined || name === null ? 'API token' : name;
    if (typeof label !== 'string' || label.trim() === '' || label.length > 100) {
      throw new ParamsError([{ field: 'name', message: 'must be 1-100 characters' }]);
    }
    const secret = TOKEN_PREFIX + randomSecret(32);
    const id = await this.writes.run(() => this.repo.insert(userId, label.trim(), sha256(secret), secret.slice(0, TOKEN_PREFIX.length + 4), new Date().toISOString()));
    return { token: this.require(id), secret };
  }

  list(userId?: number): ApiToken[] {
    return this.repo.list(userId);
  }

  require(id: number): ApiToken {
    const token = this.repo.byId(id);
    if (!token) throw new NotFoundError(`no API token with id ${id}`);
    return token;
  }

  async revoke(id: number): Promise<void> {
    const removed = await this.writes.run(() => this.repo.remove(id));
    if (!removed) throw new NotFoundError(`no API token with id ${id}`);
    this.revocations?.emit();
  }

  /** Whether the token still exists (for long-lived connections; the caller checks its user separately). */
  exists(id: number): boolean {
    return this.repo.byId(id) !== undefined;
  }

  /** The token and its user's current role, if the secret is a live token of an enabled user. */
  resolve(secret: string): { token: ApiToken; role: Role } | undefined {
    if (!TOKEN_FORMAT.test(secret)) return undefined;
    const row = this.repo.byHash(sha256(secret));
    if (!row || row.disabled) return undefined;
    const now = Date.now();
    if (now - (this.touched.get(row.id) ?? 0) >= TOUCH_EVERY_MS) {
      this.touched.set(row.id, now);
      if (this.touched.size > 10_000) this.touched.clear();
      this.writes.run(() => this.repo.touch(row.id, new Date(now).toISOString())).catch((error: Error) => this.log?.warn('could not record API token use', { error: error.message }));
    }
    const { role, disabled: _disabled, ...token } = row;
    return { token, role };
  }
}
