import type { Logger } from '../log/logger.ts';
import type { AuditEntry, AuditRepo, NewAuditEntry } from '../storage/audit-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export type { AuditEntry };

const KEEP_ROWS = 500_000;

/** Who did what: every changing API request, logins and logouts, and the tools run on the appliance. */
export class AuditLog {
  private readonly repo: AuditRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger | undefined;
  private sinceTrim = 0;

  constructor(repo: AuditRepo, writes: WriteQueue, log?: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
  }

  /** Durable when it settles; a failure to record is logged, never thrown at the request it describes. */
  async record(entry: Partial<NewAuditEntry> & { action: string }): Promise<void> {
    const row: NewAuditEntry = {
      at: new Date().toISOString(),
      userId: null,
      username: null,
      role: null,
      via: null,
      method: null,
      path: null,
      status: null,
      ip: null,
      detail: null,
      ...entry,
    };
    try {
      await this.writes.run(() => {
        this.repo.insert(row);
        if (++this.sinceTrim >= 1000) {
          this.sinceTrim = 0;
          this.repo.trim(KEEP_ROWS);
        }
      });
    } catch (error) {
      this.log?.error('could not write the audit log', { action: row.action, error: (error as Error).message });
    }
  }

  list(filter: { username?: string; action?: string; beforeId?: number; limit?: number } = {}): AuditEntry[] {
    return this.repo.list({ ...filter, beforeId: filter.beforeId ?? Number.MAX_SAFE_INTEGER, limit: filter.limit ?? 100 });
  }
}
