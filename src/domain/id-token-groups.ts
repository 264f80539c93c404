import type { IdTokenGroupsRepo } from '../storage/id-token-groups-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { ConflictError, NotFoundError } from './errors.ts';

/** A named group of ID tokens; its id is what stations get as OCPP groupIdToken (1.6 parentIdTag). */
export interface IdTokenGroup {
  id: string;
  label: string | null;
  /** ID tokens whose groupId is this group. */
  members: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * The catalogue of ID-token groups. Tokens name their group by id (id_tokens.group_id); a group in use cannot
 * be deleted, so no token is left pointing at a group the UI no longer shows.
 */
export class IdTokenGroupService {
  private readonly repo: IdTokenGroupsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: IdTokenGroupsRepo, writes: WriteQueue) {
    this.repo = repo;
    this.writes = writes;
  }

  list(): IdTokenGroup[] {
    return this.repo.list();
  }

  has(id: string): boolean {
    return this.repo.get(id) !== undefined;
  }

  require(id: string): IdTokenGroup {
    const group = this.repo.get(id);
    if (!group) throw new NotFoundError(`no ID-token group ${id}`);
    return group;
  }

  async create(input: { id: string; label: string | null }): Promise<IdTokenGroup> {
    if (this.repo.get(input.id)) throw new ConflictError(`ID-token group ${input.id} already exists`);
    const now = new Date().toISOString();
    await this.writes.run(() => this.repo.insert({ ...input, createdAt: now, updatedAt: now }));
    return this.require(input.id);
  }

  async update(id: string, changes: { label: string | null }): Promise<IdTokenGroup> {
    this.require(id);
    await this.writes.run(() => this.repo.update({ id, label: changes.label, updatedAt: new Date().toISOString() }));
    return this.require(id);
  }

  async remove(id: string): Promise<void> {
    const group = this.require(id);
    if (group.members > 0) throw new ConflictError(`${group.members} ID token(s) are in group ${id}; move them to another group first`);
    await this.writes.run(() => this.repo.remove(id));
  }
}
