import type { IdTokensRepo } from '../storage/id-tokens-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export const idTokenStatuses = ['accepted', 'blocked', 'expired', 'invalid'] as const;
export type IdTokenStatus = (typeof idTokenStatuses)[number];
/** OCPP 2.x IdTokenEnumType (1.6 id tags are sent as they are). */
export const idTokenTypes = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] as const;

export interface IdToken {
  token: string;
  type: string;
  status: IdTokenStatus;
  expiresAt: string | null;
  groupId: string | null;
  label: string | null;
  source: 'operator' | 'free-vend';
  lastUsedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One row of an import: the token, and the fields to set (left out: kept, or the default for a new token). */
export type IdTokenImportRow = { token: string } & Partial<Pick<IdToken, 'type' | 'status' | 'expiresAt' | 'groupId' | 'label'>>;

/** The answer to "may this token charge?", version-neutral; `unknown` is 1.6's Invalid. */
export interface Authorization {
  status: IdTokenStatus | 'unknown';
  expiresAt: string | null;
  groupId: string | null;
  /** The token as looked up, after quirk handling (e.g. a serial suffix removed). */
  token: string;
}

export interface TokenQuirks {
  /** Chargers that append their serial to the id tag (`TAG_12345`): the separator to cut at. */
  idTagSuffixSeparator?: string;
}

/** RFID cards and other id tokens, and the authorization decisions made from them. */
export class IdTokenService {
  private readonly repo: IdTokensRepo;
  private readonly writes: WriteQueue;
  private readonly freeVend: () => boolean;

  constructor(repo: IdTokensRepo, writes: WriteQueue, freeVend: () => boolean) {
    this.repo = repo;
    this.writes = writes;
    this.freeVend = freeVend;
  }

  /** Strips a charger-specific suffix when the token as sent is unknown but its base is known. */
  private resolve(token: string, quirks: TokenQuirks): { token: string; record: IdToken | undefined } {
    const record = this.repo.get(token);
    if (record || !quirks.idTagSuffixSeparator) return { token, record };
    const cut = token.lastIndexOf(quirks.idTagSuffixSeparator);
    if (cut <= 0) return { token, record };
    const base = token.slice(0, cut);
    return { token: base, record: this.repo.get(base) };
  }

  async authorize(rawToken: string, quirks: TokenQuirks = {}, now = new Date()): Promise<Authorization> {
    const { token, record } = this.resolve(rawToken, quirks);
    if (!record) {
      if (!this.freeVend()) return { status: 'unknown', expiresAt: null, groupId: null, token };
      // Free vend: every token charges, and is recorded so the operator sees who charged.
      await this.writes.run(() => this.repo.insertIfMissing(token, 'free-vend', now.toISOString()));
      return { status: 'accepted', expiresAt: null, groupId: null, token };
    }
    this.writes.run(() => this.repo.touch(record.token, now.toISOString())).catch(() => undefined);
    let status: IdTokenStatus = record.status;
    if (status === 'accepted' && record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) status = 'expired';
    return { status, expiresAt: record.expiresAt, groupId: record.groupId, token: record.token };
  }

  list(filter: { status?: IdTokenStatus; groupId?: string; search?: string; limit: number; offset: number }): { items: IdToken[]; total: number } {
    return this.repo.list(filter);
  }

  get(token: string): IdToken | undefined {
    return this.repo.get(token);
  }

  async create(input: Omit<IdToken, 'createdAt' | 'updatedAt' | 'lastUsedAt' | 'source'>): Promise<IdToken> {
    const now = new Date().toISOString();
    await this.writes.run(() => this.repo.insert({ ...input, source: 'operator', lastUsedAt: null, createdAt: now, updatedAt: now }));
    return this.repo.get(input.token)!;
  }

  async update(token: string, changes: Partial<Pick<IdToken, 'type' | 'status' | 'expiresAt' | 'groupId' | 'label'>>): Promise<IdToken | undefined> {
    const existing = this.repo.get(token);
    if (!existing) return undefined;
    const next = { ...existing, ...changes, source: 'operator' as const, updatedAt: new Date().toISOString() };
    await this.writes.run(() => this.repo.update(next));
    return this.repo.get(token);
  }

  /** Which rows would create a token and which would change one. */
  planImport(rows: IdTokenImportRow[]): { created: number; updated: number } {
    const updated = rows.filter((r) => this.repo.get(r.token) !== undefined).length;
    return { created: rows.length - updated, updated };
  }

  /** Creates or updates every row in one transaction: all of them or, on a failure, none. */
  async importAll(rows: IdTokenImportRow[]): Promise<{ created: number; updated: number }> {
    const now = new Date().toISOString();
    return this.writes.run(() => {
      let created = 0;
      for (const row of rows) {
        const existing = this.repo.get(row.token);
        if (existing) this.repo.update({ ...existing, ...row, source: 'operator', updatedAt: now });
        else {
          this.repo.insert({ type: 'ISO14443', status: 'accepted', expiresAt: null, groupId: null, label: null, ...row, source: 'operator', lastUsedAt: null, createdAt: now, updatedAt: now });
          created += 1;
        }
      }
      return { created, updated: rows.length - created };
    });
  }

  async remove(token: string): Promise<boolean> {
    return this.writes.run(() => this.repo.remove(token));
  }
}
