import { ParamsError, type FieldError } from '../commands/params.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { UserRow, UsersRepo } from '../storage/users-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { hashPassword, verifyNothing, verifyPassword } from './password.ts';
import { isRole, roles, type Role } from './roles.ts';
import type { CredentialRevocations } from './revocations.ts';
import type { SessionService } from './sessions.ts';

/** A user as the API shows it (never with the password hash). */
export type User = UserRow;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function usernameProblem(username: unknown): string | undefined {
  if (typeof username !== 'string' || username === '') return 'is required';
  if (!USERNAME.test(username)) return 'must be 1-64 letters, digits or . _ @ -, starting with a letter or digit';
  return undefined;
}

export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string' || password === '') return 'is required';
  if ([...password].length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if ([...password].length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  return undefined;
}

function check(fields: Array<FieldError | undefined>): void {
  const problems = fields.filter((f): f is FieldError => f !== undefined);
  if (problems.length) throw new ParamsError(problems);
}

const field = (name: string, message: string | undefined): FieldError | undefined => (message ? { field: name, message } : undefined);

/** What is wrong with a new user's fields (without looking at the database). */
export function newUserProblems(input: { username: unknown; password: unknown; role: unknown }): FieldError[] {
  return [
    field('username', usernameProblem(input.username)),
    field('password', passwordProblem(input.password)),
    field('role', isRole(input.role) ? undefined : `must be one of ${roles.join(', ')}`),
  ].filter((f): f is FieldError => f !== undefined);
}

/** The people who use the appliance, their roles and passwords. */
export class UserService {
  private readonly repo: UsersRepo;
  private readonly writes: WriteQueue;
  private readonly sessions: SessionService | undefined;
  private readonly revocations: CredentialRevocations | undefined;

  /** `sessions` is absent in the command-line tools, which have no sessions to end. */
  constructor(repo: UsersRepo, writes: WriteQueue, sessions?: SessionService, revocations?: CredentialRevocations) {
    this.repo = repo;
    this.writes = writes;
    this.sessions = sessions;
    this.revocations = revocations;
  }

  count(): number {
    return this.repo.count();
  }

  list(): User[] {
    return this.repo.list();
  }

  get(id: number): User | undefined {
    return this.repo.byId(id);
  }

  require(id: number): User {
    const user = this.repo.byId(id);
    if (!user) throw new NotFoundError(`no user with id ${id}`);
    return user;
  }

  byUsername(username: string): User | undefined {
    return this.repo.byUsername(username);
  }

  /**
   * Creates a user. With `onlyIfNoUsers` it is the first-run admin: created only while there are no users
   * (checked in the same transaction, so two installers cannot both create one).
   */
  async create(input: { username: unknown; password: unknown; role: unknown }, options: { onlyIfNoUsers?: boolean } = {}): Promise<User> {
    check(newUserProblems(input));
    const username = input.username as string;
    const passwordHash = await hashPassword(input.password as string);
    const id = await this.writes.run(() => {
      if (options.onlyIfNoUsers && this.repo.count() > 0) throw new ConflictError('the appliance is already set up');
      if (this.repo.byUsername(username)) throw new ParamsError([{ field: 'username', message: 'is already taken' }]);
      return this.repo.insert({ username, passwordHash, role: input.role as Role }, new Date().toISOString());
    });
    return this.require(id);
  }

  /** Changes role and/or disabled flag; the last enabled admin cannot lose admin rights. */
  async update(id: number, changes: { role?: unknown; disabled?: unknown; password?: unknown }): Promise<User> {
    check([
      field('role', changes.role === undefined || isRole(changes.role) ? undefined : `must be one of ${roles.join(', ')}`),
      field('disabled', changes.disabled === undefined || typeof changes.disabled === 'boolean' ? undefined : 'must be true or false'),
      field('password', changes.password === undefined ? undefined : passwordProblem(changes.password)),
    ]);
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password as string);
    await this.writes.run(() => {
      const user = this.require(id);
      const role = (changes.role as Role | undefined) ?? user.role;
      const disabled = (changes.disabled as boolean | undefined) ?? user.disabled;
      const wasActiveAdmin = user.role === 'admin' && !user.disabled;
      if (wasActiveAdmin && (role !== 'admin' || disabled) && this.repo.countActiveAdmins() <= 1) {
        throw new ConflictError('this is the last enabled admin; make another user admin first');
      }
      const at = new Date().toISOString();
      this.repo.update(id, { role, disabled }, at);
      if (passwordHash) this.repo.setPassword(id, passwordHash, at);
    });
    // A reset password or a disabled account ends the sessions that were open with it.
    if (passwordHash || changes.disabled === true) await this.sessions?.endAllOf(id);
    // A disabled user's API tokens stop working too; open event streams re-check.
    if (changes.disabled === true) this.revocations?.emit();
    return this.require(id);
  }

  async remove(id: number): Promise<void> {
    await this.writes.run(() => {
      const user = this.require(id);
      if (user.role === 'admin' && !user.disabled && this.repo.countActiveAdmins() <= 1) {
        throw new ConflictError('this is the last enabled admin; make another user admin first');
      }
      this.repo.remove(id); // sessions and API tokens go with it (ON DELETE CASCADE)
    });
    this.revocations?.emit();
  }

  /** The user, if the username exists, is enabled and the password is right. Takes as long either way. */
  async verifyCredentials(username: string, password: string): Promise<User | undefined> {
    const user = username === '' ? undefined : this.repo.byUsername(username);
    const hash = user ? this.repo.passwordHash(user.id) : undefined;
    if (!user || !hash) {
      await verifyNothing(password);
      return undefined;
    }
    const ok = await verifyPassword(password, hash);
    return ok && !user.disabled ? user : undefined;
  }

  async recordLogin(id: number): Promise<void> {
    await this.writes.run(() => this.repo.touchLogin(id, new Date().toISOString()));
  }

  /** The user's own password change: needs the current one; ends the user's other sessions. */
  async changeOwnPassword(id: number, currentPassword: unknown, newPassword: unknown, keepSessionHash?: string): Promise<'changed' | 'wrong-password'> {
    check([
      field('currentPassword', typeof currentPassword === 'string' && currentPassword !== '' ? undefined : 'is required'),
      field('newPassword', passwordProblem(newPassword)),
    ]);
    const hash = this.repo.passwordHash(id);
    if (!hash || !(await verifyPassword(currentPassword as string, hash))) return 'wrong-password';
    const next = await hashPassword(newPassword as string);
    await this.writes.run(() => this.repo.setPassword(id, next, new Date().toISOString()));
    await this.sessions?.endAllOf(id, keepSessionHash);
    return 'changed';
  }
}
