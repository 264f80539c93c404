import type { Role } from '../auth/roles.ts';
import type { Db } from './database.ts';

export interface SessionRow {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: string;
  renewedAt: string;
  expiresAt: string;
  absoluteExpiresAt: string;
}

/** A session with the current state of its user (role and disabled flag are read live, not copied). */
export interface SessionWithUser extends SessionRow {
  username: string;
  role: Role;
  disabled: boolean;
}

export class SessionsRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(`INSERT INTO user_sessions (id_hash, user_id, csrf_token, created_at, renewed_at, expires_at, absolute_expires_at, ip, user_agent)
        VALUES (@idHash, @userId, @csrfToken, @createdAt, @createdAt, @expiresAt, @absoluteExpiresAt, @ip, @userAgent)`),
      get: db.prepare(`SELECT s.id_hash AS idHash, s.user_id AS userId, s.csrf_token AS csrfToken, s.created_at AS createdAt,
        s.renewed_at AS renewedAt, s.expires_at AS expiresAt, s.absolute_expires_at AS absoluteExpiresAt,
        u.username, u.role, u.disabled
        FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`),
      renew: db.prepare('UPDATE user_sessions SET renewed_at = ?, expires_at = ? WHERE id_hash = ?'),
      remove: db.prepare('DELETE FROM user_sessions WHERE id_hash = ?'),
      removeForUser: db.prepare('DELETE FROM user_sessions WHERE user_id = ? AND id_hash <> ?'),
      removeExpired: db.prepare('DELETE FROM user_sessions WHERE expires_at <= ? OR absolute_expires_at <= ?'),
    };
  }

  insert(session: Omit<SessionRow, 'renewedAt'> & { ip: string | null; userAgent: string | null }): void {
    this.statements.insert.run(session);
  }

  get(idHash: string): SessionWithUser | undefined {
    const row = this.statements.get.get(idHash) as (Omit<SessionWithUser, 'disabled'> & { disabled: number }) | undefined;
    return row ? { ...row, disabled: row.disabled === 1 } : undefined;
  }

  renew(idHash: string, at: string, expiresAt: string): void {
    this.statements.renew.run(at, expiresAt, idHash);
  }

  remove(idHash: string): boolean {
    return this.statements.remove.run(idHash).changes > 0;
  }

  /** Ends every session of the user except the one with `keepIdHash` (if given). */
  removeForUser(userId: number, keepIdHash = ''): number {
    return this.statements.removeForUser.run(userId, keepIdHash).changes;
  }

  removeExpired(now: string): number {
    return this.statements.removeExpired.run(now, now).changes;
  }
}
