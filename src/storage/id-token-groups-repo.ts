import type { IdTokenGroup } from '../domain/id-token-groups.ts';
import type { Db } from './database.ts';

const columns = `g.id, g.label, g.created_at AS createdAt, g.updated_at AS updatedAt,
  (SELECT COUNT(*) FROM id_tokens t WHERE t.group_id = g.id) AS members`;

export class IdTokenGroupsRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      list: db.prepare(`SELECT ${columns} FROM id_token_groups g ORDER BY g.id`),
      get: db.prepare(`SELECT ${columns} FROM id_token_groups g WHERE g.id = ?`),
      insert: db.prepare('INSERT INTO id_token_groups (id, label, created_at, updated_at) VALUES (@id, @label, @createdAt, @updatedAt)'),
      update: db.prepare('UPDATE id_token_groups SET label = @label, updated_at = @updatedAt WHERE id = @id'),
      remove: db.prepare('DELETE FROM id_token_groups WHERE id = ?'),
    };
  }

  list(): IdTokenGroup[] {
    return this.statements.list.all() as IdTokenGroup[];
  }

  get(id: string): IdTokenGroup | undefined {
    return this.statements.get.get(id) as IdTokenGroup | undefined;
  }

  insert(group: { id: string; label: string | null; createdAt: string; updatedAt: string }): void {
    this.statements.insert.run(group);
  }

  update(group: { id: string; label: string | null; updatedAt: string }): void {
    this.statements.update.run(group);
  }

  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }
}
