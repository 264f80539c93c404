import type { Db } from './database.ts';

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  role: string | null;
  /** How the user was identified: a browser session, an API token, or a tool run on the appliance. */
  via: 'session' | 'token' | 'cli' | null;
  /** `request` for an API call; `login`, `login.failed`, `logout`, `setup`, `password.changed`, … otherwise. */
  action: string;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
  detail: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

const columns = `id, at, user_id AS userId, username, role, via, action, method, path, status, ip, detail`;

export class AuditRepo {
  private readonly db: Db;
  private readonly statements;

  constructor(db: Db) {
    this.db = db;
    this.statements = {
      insert: db.prepare(`INSERT INTO audit_log (at, user_id, username, role, via, action, method, path, status, ip, detail)
        VALUES (@at, @userId, @username, @role, @via, @action, @method, @path, @status, @ip, @detail)`),
      trim: db.prepare('DELETE FROM audit_log WHERE id <= (SELECT MAX(id) FROM audit_log) - ?'),
    };
  }

  insert(entry: NewAuditEntry): number {
    return Number(this.statements.insert.run(entry).lastInsertRowid);
  }

  trim(keepRows: number): void {
    this.statements.trim.run(keepRows);
  }

  list(filter: { username?: string; action?: string; beforeId: number; limit: number }): AuditEntry[] {
    const where = ['id < ?'];
    const args: unknown[] = [filter.beforeId];
    if (filter.username) {
      where.push('username = ? COLLATE NOCASE');
      args.push(filter.username);
    }
    if (filter.action) {
      where.push('action = ?');
      args.push(filter.action);
    }
    args.push(filter.limit);
    return this.db.prepare(`SELECT ${columns} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args) as AuditEntry[];
  }
}
