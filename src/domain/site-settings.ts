import type { SettingsRepo } from '../storage/settings-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export interface SiteSettings {
  /** Any id token may charge (free vend); unknown tokens are recorded. */
  freeVend: boolean;
  /** Seconds a remote start waits for the station's StartTransaction/TransactionEvent before it is given up. */
  remoteStartTimeoutSeconds: number;
}

/** Site-wide settings: defaults from the configuration, overridden by what the operator saved. */
export class SiteSettingsService {
  private current: SiteSettings;
  private readonly repo: SettingsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: SettingsRepo, writes: WriteQueue, defaults: SiteSettings) {
    this.repo = repo;
    this.writes = writes;
    this.current = { ...defaults, ...(repo.get<Partial<SiteSettings>>('site') ?? {}) };
  }

  get(): SiteSettings {
    return this.current;
  }

  async update(changes: Partial<SiteSettings>): Promise<SiteSettings> {
    const next = { ...this.current, ...changes };
    await this.writes.run(() => this.repo.set('site', next));
    this.current = next;
    return next;
  }
}
