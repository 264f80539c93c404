import type { SettingsRepo } from '../storage/settings-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export interface SiteSettings {
  /** Any id token may charge (free vend); unknown tokens are recorded. */
  freeVend: boolean;
  /** Seconds a remote start waits for the station's StartTransaction/TransactionEvent before it is given up. */
  remoteStartTimeoutSeconds: number;
  /** Chargers with unknown ids are accepted at once (installation mode) instead of waiting for approval. */
  acceptUnknownStations: boolean;
  /** The depot's name, shown in the UI; set at first-run setup. */
  siteName: string;
  /** The grid connection's limit per phase, in A; null until set at first-run setup. */
  gridLimitA: number | null;
}

/**
 * Site-wide settings: defaults from the configuration, overridden by what the operator saved. Only the
 * saved values are stored, so a setting never saved keeps following the configuration.
 */
export class SiteSettingsService {
  private current: SiteSettings;
  private saved: Partial<SiteSettings>;
  private readonly defaults: SiteSettings;
  private readonly repo: SettingsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: SettingsRepo, writes: WriteQueue, defaults: SiteSettings) {
    this.repo = repo;
    this.writes = writes;
    this.defaults = defaults;
    this.saved = repo.get<Partial<SiteSettings>>('site') ?? {};
    this.current = { ...defaults, ...this.saved };
  }

  get(): SiteSettings {
    return this.current;
  }

  async update(changes: Partial<SiteSettings>): Promise<SiteSettings> {
    try {
      // Applied inside the write, so that updates queued together build on each other.
      return await this.writes.run(() => {
        const saved = { ...this.saved, ...changes };
        this.repo.set('site', saved);
        this.apply(saved);
        return this.current;
      });
    } catch (error) {
      this.apply(this.repo.get<Partial<SiteSettings>>('site') ?? {});
      throw error;
    }
  }

  private apply(saved: Partial<SiteSettings>): void {
    this.saved = saved;
    this.current = { ...this.defaults, ...saved };
  }
}
