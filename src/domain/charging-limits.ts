import type { ChargingLimitsRepo } from '../storage/charging-limits-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import type { ReportedSchedule } from './reported-schedule.ts';

/**
 * A limit set on a station from outside Ampyard (OCPP 2.x K11-K13: an energy management system, the grid
 * operator, …), as the station reported it. The load balancer has to stay within it.
 */
export interface ChargingLimit {
  stationId: string;
  /** 0: the whole station (the station named no EVSE). */
  evseId: number;
  /** `EMS`, `Other`, `SO` (system operator), `CSO`; OCPP 2.1 allows other names. */
  source: string;
  gridCritical: boolean | null;
  /** OCPP 2.1: the limit comes from local generation. */
  localGeneration: boolean | null;
  /** Empty: the station said a limit applies but not what it is. */
  schedules: ReportedSchedule[];
  reportedAt: string;
}

export class ChargingLimitService {
  private readonly repo: ChargingLimitsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: ChargingLimitsRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
  }

  /** NotifyChargingLimit: replaces what the same source said for the same EVSE. */
  async notified(limit: Omit<ChargingLimit, 'reportedAt'>): Promise<ChargingLimit> {
    const stored: ChargingLimit = { ...limit, reportedAt: new Date().toISOString() };
    await this.writes.run(() => this.repo.upsert(stored));
    this.events.publish({ type: 'charging-limit.updated', data: { stationId: stored.stationId, evseId: stored.evseId, source: stored.source, limit: stored } });
    return stored;
  }

  /**
   * ClearedChargingLimit. Without an EVSE it ends every limit of that source on the station: a source that
   * goes away leaves no limit of its own behind.
   */
  async cleared(stationId: string, source: string, evseId: number | null): Promise<ChargingLimit[]> {
    const removed = await this.writes.run(() => this.repo.remove(stationId, source, evseId));
    for (const limit of removed) this.events.publish({ type: 'charging-limit.updated', data: { stationId, evseId: limit.evseId, source, limit: null } });
    return removed;
  }

  list(stationId: string): ChargingLimit[] {
    return this.repo.list(stationId);
  }
}
