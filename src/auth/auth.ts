import type { SiteSettingsService } from '../domain/site-settings.ts';
import type { Logger } from '../log/logger.ts';
import { ApiTokensRepo } from '../storage/api-tokens-repo.ts';
import { AuditRepo } from '../storage/audit-repo.ts';
import type { Db } from '../storage/database.ts';
import { SessionsRepo } from '../storage/sessions-repo.ts';
import { UsersRepo } from '../storage/users-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { ApiTokenService } from './api-tokens.ts';
import { AuditLog } from './audit.ts';
import { CredentialRevocations } from './revocations.ts';
import { LoginLimiter, type LoginLimiterOptions } from './login-limiter.ts';
import { SessionService, type SessionOptions } from './sessions.ts';
import { FirstRunSetup } from './setup.ts';
import { UserService } from './users.ts';

/** Users, their sessions and API tokens, login throttling, first-run setup and the audit log. */
export interface Auth {
  users: UserService;
  sessions: SessionService;
  tokens: ApiTokenService;
  limiter: LoginLimiter;
  setup: FirstRunSetup;
  audit: AuditLog;
  /** Fired when a session ends or a token, user or password stops being valid (see the event stream). */
  revocations: CredentialRevocations;
}

export function createAuth(
  db: Db,
  writes: WriteQueue,
  siteSettings: SiteSettingsService,
  log: Logger,
  options: { sessions?: Partial<SessionOptions>; limiter?: Partial<LoginLimiterOptions> } = {},
): Auth {
  const revocations = new CredentialRevocations();
  const sessions = new SessionService(new SessionsRepo(db), writes, log, options.sessions, revocations);
  const users = new UserService(new UsersRepo(db), writes, sessions, revocations);
  return {
    users,
    sessions,
    revocations,
    tokens: new ApiTokenService(new ApiTokensRepo(db), writes, log, revocations),
    limiter: new LoginLimiter(options.limiter),
    setup: new FirstRunSetup(users, siteSettings),
    audit: new AuditLog(new AuditRepo(db), writes, log),
  };
}
