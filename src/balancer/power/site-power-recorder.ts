import type { Services } from '../../app/services.ts';
import type { DomainEvent } from '../../domain/events.ts';
import type { ActiveSession, SitePowerMinute, SitePowerRepo, SitePowerSeries } from '../../storage/site-power-repo.ts';
import { sitePowerJson, sitePowerNow, type ChargerDraw, type SitePowerNow } from './site-power-now.ts';

export interface SitePowerOptions {
  /** How often site power is measured and streamed (`site.power` event). */
  sampleMs: number;
  /** Minutes older than this are deleted. */
  retentionDays: number;
}

export const DEFAULT_SITE_POWER_OPTIONS: SitePowerOptions = { sampleMs: 5000, retentionDays: 35 };

/** A session's meter values older than this no longer count as its draw (a station that went silent). */
const STALE_READING_MS = 15 * 60_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Sums of one minute's samples (building load: over those that had one), folded into a row when it is written. */
type MinuteSums = Omit<SitePowerMinute, 'buildingW'> & { buildingW: number; buildingSamples: number };

type Deps = Pick<Services, 'events' | 'writes' | 'log' | 'siteSettings' | 'balancer'>;

/**
 * Measures site power every few seconds, streams it to the UI (`site.power`) and keeps one row per minute in SQLite
 * (the minute in progress is written when it ends, when the history is read, and at shutdown), for `retentionDays`.
 */
export class SitePowerRecorder {
  private readonly services: Deps;
  private readonly repo: SitePowerRepo;
  private readonly options: SitePowerOptions;
  private current: MinuteSums | undefined;
  private last: SitePowerNow | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  /**
   * While started: the running sessions' draw, read from SQLite once and then kept up to date by the session
   * events. Reading every running session's row each sample held the event loop ~25 ms at 9,000 sessions.
   */
  private running: Map<number, ActiveSession> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(services: Deps, repo: SitePowerRepo, options: Partial<SitePowerOptions> = {}) {
    this.services = services;
    this.repo = repo;
    this.options = { ...DEFAULT_SITE_POWER_OPTIONS, ...options };
  }

  start(): void {
    if (!this.running) {
      this.running = new Map(this.repo.activeSessions().map((s) => [s.id, s]));
      this.unsubscribe = this.services.events.subscribe((event) => this.track(event));
    }
    this.timer ??= setInterval(() => this.sampleSafely(), this.options.sampleMs);
    this.timer.unref();
    this.sampleSafely();
  }

  /** Stops sampling and queues the minute in progress (the caller flushes the write queue). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.running = this.unsubscribe = undefined;
    void this.persist().catch(() => undefined);
  }

  /** The newest sample. */
  latest(): SitePowerNow | undefined {
    return this.last;
  }

  /** Site power in [from, to) seconds, in buckets of `step` seconds, including the minute in progress. */
  async history(from: number, to: number, step: number): Promise<SitePowerSeries> {
    await this.persist();
    return this.repo.series(from, to, step);
  }

  /** Measures now, streams the sample and adds it to its minute (writing the previous minute when one ended). */
  sample(now = Date.now()): SitePowerNow {
    const { balancer, siteSettings, events } = this.services;
    const last = balancer.driver.lastCycle();
    const s = sitePowerNow({
      now,
      snapshot: balancer.site.snapshot(),
      chargers: this.chargers(now),
      meters: balancer.meters,
      usage: last && now - last.at < 300_000 ? last.result.circuits : [],
      gridLimitA: siteSettings.get().gridLimitA,
    });
    this.last = s;
    events.publish({ type: 'site.power', data: sitePowerJson(s) });
    const minute = Math.floor(now / 60_000) * 60;
    if (this.current && this.current.minute !== minute) {
      this.write(rowOf(this.current)).catch((error: Error) => this.services.log.warn('could not record site power', { error: error.message }));
      this.current = undefined;
    }
    this.add(minute, s);
    if (now - this.lastPrune >= PRUNE_EVERY_MS) this.prune(now);
    return s;
  }

  /** Writes the minute in progress (again, when it was written before). */
  persist(): Promise<void> {
    return this.current ? this.write(rowOf(this.current)) : Promise.resolve();
  }

  private write(row: SitePowerMinute): Promise<void> {
    return this.services.writes.run(() => this.repo.put([row]));
  }

  private add(minute: number, s: SitePowerNow): void {
    const c = (this.current ??= { minute, samples: 0, powerW: 0, powerMaxW: 0, phaseA: [0, 0, 0], limitW: null, limitA: null, buildingW: 0, buildingSamples: 0 });
    c.samples += 1;
    c.powerW += s.powerW;
    c.powerMaxW = Math.max(c.powerMaxW, s.powerW);
    for (let p = 0; p < 3; p++) c.phaseA[p]! += s.phaseA[p]!;
    if (s.limitW !== null) c.limitW = Math.min(c.limitW ?? Infinity, s.limitW);
    if (s.limitA !== null) c.limitA = Math.min(c.limitA ?? Infinity, ...s.limitA);
    if (s.buildingW !== null) {
      c.buildingW += s.buildingW;
      c.buildingSamples += 1;
    }
  }

  private chargers(now: number): ChargerDraw[] {
    const { balancer } = this.services;
    const out: ChargerDraw[] = [];
    // Sample times are ISO 8601 UTC, which sort as text: no parsing one per session.
    const staleBefore = new Date(now - STALE_READING_MS).toISOString();
    for (const tx of this.running?.values() ?? this.repo.activeSessions()) {
      const reading = balancer.driver.reading(tx.id);
      const at = reading?.at;
      if (at != null ? now - at > STALE_READING_MS : tx.lastSampleAt === null || tx.lastSampleAt < staleBefore) continue;
      out.push({ stationId: tx.stationId, evseId: tx.evseId, powerW: reading?.powerW ?? tx.lastPowerW, currentA: reading?.currentA ?? null });
    }
    return out;
  }

  /** Keeps `running` up to date; a meter value's event updates the session's entry in place (a hot path). */
  private track(event: DomainEvent): void {
    if (event.type !== 'transaction.started' && event.type !== 'transaction.updated' && event.type !== 'transaction.ended') return;
    const tx = event.data;
    if (event.type === 'transaction.ended' || tx.status !== 'active') {
      this.running!.delete(tx.id);
      return;
    }
    const entry = this.running!.get(tx.id);
    if (!entry) {
      this.running!.set(tx.id, { id: tx.id, stationId: tx.stationId, evseId: tx.evseId, lastPowerW: tx.lastPowerW, lastSampleAt: tx.lastSampleAt });
      return;
    }
    entry.evseId = tx.evseId;
    entry.lastPowerW = tx.lastPowerW;
    entry.lastSampleAt = tx.lastSampleAt;
  }

  private prune(now: number): void {
    this.lastPrune = now;
    const before = Math.floor((now - this.options.retentionDays * 86_400_000) / 1000);
    this.services.writes.run(() => this.repo.pruneBefore(before)).catch((error: Error) => this.services.log.warn('could not prune the site power history', { error: error.message }));
  }

  private sampleSafely(): void {
    try {
      this.sample();
    } catch (error) {
      this.services.log.error('site power sample failed', { error: (error as Error).stack ?? String(error) });
    }
  }
}

function rowOf(c: MinuteSums): SitePowerMinute {
  return {
    minute: c.minute,
    samples: c.samples,
    powerW: c.powerW / c.samples,
    powerMaxW: c.powerMaxW,
    phaseA: c.phaseA.map((a) => a / c.samples) as [number, number, number],
    limitW: c.limitW,
    limitA: c.limitA,
    buildingW: c.buildingSamples ? c.buildingW / c.buildingSamples : null,
  };
}
