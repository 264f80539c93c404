import type { Role } from '../auth/roles.ts';
import type { Db } from './database.ts';

export interface ApiTokenRow {
  id: number;
  userId: number;
  username: string;
  name: string;
  /** The first characters of the token, to recognise it in a list; not enough to use it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const columns = `t.id, t.user_id AS userId, u.username, t.name, t.prefix, t.created_at AS createdAt, t.last_used_at AS lastUsedAt`;

export class ApiTokensRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare('INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)'),
      byId: db.prepare(`SELECT ${columns} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`),
      list: db.prepare(`SELECT ${columns} FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id`),
      listForUser: db.prepare(`SELECT ${columns} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = ? ORDER BY t.id`),
      byHash: db.prepare(`SELECT ${columns}, u.role, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`),
      touch: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM api_tokens WHERE id = ?'),
    };
  }

  insert(userId: number, name: string, tokenHash: string, prefix: string, at: string): number {
    return Number(this.statements.insert.run(userId, name, tokenHash, prefix, at).lastInsertRowid);
  }

  byId(id: number): ApiTokenRow | undefined {
    return this.statements.byId.get(id) as ApiTokenRow | undefined;
  }

  list(userId?: number): ApiTokenRow[] {
    return (userId === undefined ? this.statements.list.all() : this.statements.listForUser.all(userId)) as ApiTokenRow[];
  }

  byHash(tokenHash: string): (ApiTokenRow & { role: Role; disabled: boolean }) | undefined {
    const row = this.statements.byHash.get(tokenHash) as (ApiTokenRow & { role: Role; disabled: number }) | undefined;
    return row ? { ...row, disabled: row.disabled === 1 } : undefined;
  }

  touch(id: number, at: string): void {
    this.statements.touch.run(at, id);
  }

  remove(id: number): boolean {
    return this.statements.remove.run(id).changes > 0;
  }
}
