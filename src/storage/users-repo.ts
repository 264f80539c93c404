import type { Role } from '../auth/roles.ts';
import type { Db } from './database.ts';

export interface UserRow {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  passwordChangedAt: string;
  lastLoginAt: string | null;
}

const columns = `id, username, role, disabled, created_at AS createdAt, updated_at AS updatedAt,
  password_changed_at AS passwordChangedAt, last_login_at AS lastLoginAt`;

function toRow(raw: unknown): UserRow | undefined {
  if (!raw) return undefined;
  const row = raw as Omit<UserRow, 'disabled'> & { disabled: number };
  return { ...row, disabled: row.disabled === 1 };
}

/** Users and their password hashes. The hash is only ever read by `passwordHash`, never with the user. */
export class UsersRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      count: db.prepare('SELECT COUNT(*) AS n FROM users'),
      countAdmins: db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0"),
      list: db.prepare(`SELECT ${columns} FROM users ORDER BY username COLLATE NOCASE`),
      byId: db.prepare(`SELECT ${columns} FROM users WHERE id = ?`),
      byUsername: db.prepare(`SELECT ${columns} FROM users WHERE username = ?`),
      passwordHash: db.prepare('SELECT password_hash AS hash FROM users WHERE id = ?'),
      insert: db.prepare(`INSERT INTO users (username, password_hash, role, created_at, updated_at, password_changed_at)
        VALUES (@username, @passwordHash, @role, @at, @at, @at)`),
      update: db.prepare('UPDATE users SET role = @role, disabled = @disabled, updated_at = @at WHERE id = @id'),
      setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?'),
      touchLogin: db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM users WHERE id = ?'),
    };
  }

  count(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  countActiveAdmins(): number {
    return (this.statements.countAdmins.get() as { n: number }).n;
  }

  list(): UserRow[] {
    return this.statements.list.all().map((r) => toRow(r)!);
  }

  byId(id: number): UserRow | undefined {
    return toRow(this.statements.byId.get(id));
  }

  byUsername(username: string): UserRow | undefined {
    return toRow(this.statements.byUsername.get(username));
  }

  passwordHash(id: number): string | undefined {
    return (this.statements.passwordHash.get(id) as { hash: string } | undefined)?.hash;
  }

  insert(user: { username: string; passwordHash: string; role: Role }, at: string): number {
    return Number(this.statements.insert.run({ ...user, at }).lastInsertRowid);
  }

  update(id: number, changes: { role: Role; disabled: boolean }, at: string): void {
    this.statements.update.run({ id, role: changes.role, disabled: changes.disabled ? 1 : 0, at });
  }

  setPassword(id: number, passwordHash: string, at: string): void {
    this.statements.setPassword.run(passwordHash, at, at, id);
  }

  touchLogin(id: number, at: string): void {
    this.statements.touchLogin.run(at, id);
  }

  remove(id: number): boolean {
    return this.statements.remove.run(id).changes > 0;
  }
}
