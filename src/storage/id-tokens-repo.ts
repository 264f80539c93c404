import type { IdToken, IdTokenStatus } from '../domain/id-tokens.ts';
import type { Db } from './database.ts';
import { Where, pagedList } from './paged-query.ts';

const columns = `token, type, status, expires_at AS expiresAt, group_id AS groupId, label, source,
  last_used_at AS lastUsedAt, created_at AS createdAt, updated_at AS updatedAt`;

export class IdTokensRepo {
  private readonly db: Db;
  private readonly statements;

  constructor(db: Db) {
    this.db = db;
    this.statements = {
      get: db.prepare(`SELECT ${columns} FROM id_tokens WHERE token = ?`),
      insert: db.prepare(`INSERT INTO id_tokens (token, type, status, expires_at, group_id, label, source, last_used_at, created_at, updated_at)
        VALUES (@token, @type, @status, @expiresAt, @groupId, @label, @source, @lastUsedAt, @createdAt, @updatedAt)`),
      insertIfMissing: db.prepare(`INSERT INTO id_tokens (token, source, last_used_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (token) DO NOTHING`),
      update: db.prepare(`UPDATE id_tokens SET type = @type, status = @status, expires_at = @expiresAt, group_id = @groupId,
        label = @label, source = @source, updated_at = @updatedAt WHERE token = @token`),
      touch: db.prepare('UPDATE id_tokens SET last_used_at = ? WHERE token = ?'),
      remove: db.prepare('DELETE FROM id_tokens WHERE token = ?'),
    };
  }

  get(token: string): IdToken | undefined {
    return this.statements.get.get(token) as IdToken | undefined;
  }

  insert(token: IdToken): void {
    this.statements.insert.run(token);
  }

  insertIfMissing(token: string, source: IdToken['source'], at: string): void {
    this.statements.insertIfMissing.run(token, source, at, at, at);
  }

  update(token: IdToken): void {
    this.statements.update.run(token);
  }

  touch(token: string, at: string): void {
    this.statements.touch.run(at, token);
  }

  remove(token: string): boolean {
    return this.statements.remove.run(token).changes > 0;
  }

  list(filter: { status?: IdTokenStatus; groupId?: string; search?: string; limit: number; offset: number }): { items: IdToken[]; total: number } {
    const like = filter.search ? `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const where = new Where()
      .when(filter.status, 'status = ?')
      .when(filter.groupId, 'group_id = ?')
      .when(like, "(token LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\')", like, like);
    return pagedList<IdToken>(this.db, { from: 'id_tokens', columns, where, orderBy: 'token', limit: filter.limit, offset: filter.offset });
  }

}
