import type { Logger } from '../log/logger.ts';
import type { SecurityEventsRepo } from '../storage/security-events-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import type { SecurityEvent, SecurityEventFilter } from './security-event.ts';

export type { SecurityEvent, SecurityEventFilter };

/** The security event log: what stations report and what Ampyard itself notices (e.g. failed authentication). */
export class SecurityEventLog {
  private readonly repo: SecurityEventsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly log: Logger;

  constructor(repo: SecurityEventsRepo, writes: WriteQueue, events: EventBus, log: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.log = log;
  }

  /** A station's SecurityEventNotification; settles once durable, so the station is acknowledged after that. */
  async fromStation(stationId: string, event: { type: string; timestamp: string; techInfo: string | null }): Promise<SecurityEvent> {
    const receivedAt = new Date().toISOString();
    const stored = await this.writes.run(() => this.repo.insert({ stationId, source: 'station', ...event, receivedAt }));
    this.events.publish({ type: 'security.event', data: stored });
    return stored;
  }

  /**
   * Records one of Ampyard's own security events. Never rejects: a failure to log is logged, and must not
   * turn e.g. a refused connection into a crash.
   */
  async own(type: string, details: { stationId?: string | null; techInfo?: string | null } = {}): Promise<SecurityEvent | undefined> {
    const now = new Date().toISOString();
    try {
      const stored = await this.writes.run(() =>
        this.repo.insert({ stationId: details.stationId ?? null, source: 'csms', type, timestamp: now, techInfo: details.techInfo ?? null, receivedAt: now }),
      );
      this.events.publish({ type: 'security.event', data: stored });
      return stored;
    } catch (error) {
      this.log.error('could not record a security event', { type, station: details.stationId ?? undefined, error: (error as Error).message });
      return undefined;
    }
  }

  list(filter: SecurityEventFilter): { items: SecurityEvent[]; total: number } {
    return this.repo.list(filter);
  }
}
