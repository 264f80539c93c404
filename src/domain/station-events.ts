import type { MonitorsRepo } from '../storage/monitors-repo.ts';
import type { AlarmFilter, StationEventsRepo } from '../storage/station-events-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import type { EventBus } from './events.ts';
import { alarmEffect, alarmKey, type NewStationEvent, type StationEvent } from './station-event.ts';

export type { StationEvent };

export type ReportedEvent = Omit<NewStationEvent, 'stationId' | 'generatedAt' | 'seqNo' | 'receivedAt'>;

/**
 * What stations report about themselves (OCPP 2.x NotifyEvent: monitors triggering, problems appearing and going
 * away) and the alarms made from it: an alarm stays active until the station reports it cleared, the same
 * situation is reported again, or the operator clears it.
 */
export class StationEventLog {
  private readonly repo: StationEventsRepo;
  private readonly monitors: MonitorsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: StationEventsRepo, monitors: MonitorsRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.monitors = monitors;
    this.writes = writes;
    this.events = events;
  }

  /** One NotifyEvent part; events the station sent before are ignored. Settles once durable. */
  async fromStation(stationId: string, part: { generatedAt: string; seqNo: number }, reported: ReportedEvent[]): Promise<{ stored: StationEvent[]; cleared: StationEvent[] }> {
    const receivedAt = new Date().toISOString();
    const outcome = await this.writes.run(() => {
      const stored: StationEvent[] = [];
      const cleared: StationEvent[] = [];
      for (const e of reported) {
        const severity = e.severity ?? (e.variableMonitoringId !== null ? this.monitors.severity(stationId, e.variableMonitoringId) : null);
        const effect = alarmEffect(e);
        const key = alarmKey(e);
        const event = this.repo.insert({ ...e, severity, stationId, ...part, receivedAt }, key, effect === 'raise');
        if (!event) continue;
        stored.push(event);
        if (effect === 'raise') cleared.push(...this.repo.clearKey(stationId, key, e.timestamp, 'superseded', event.id));
        else if (effect === 'clear') cleared.push(...this.repo.clearKey(stationId, key, e.timestamp, 'station'));
      }
      if (stored.length > 0) this.repo.trim(stationId);
      return { stored, cleared };
    });
    for (const alarm of outcome.cleared) this.events.publish({ type: 'alarm.cleared', data: alarm });
    for (const event of outcome.stored) if (event.alarm === 'active') this.events.publish({ type: 'alarm.raised', data: event });
    return outcome;
  }

  /** The operator takes an alarm off the active list (e.g. a station that never reports the return to normal). */
  async clearAlarm(id: number): Promise<StationEvent> {
    const alarm = await this.writes.run(() => {
      const existing = this.repo.get(id);
      if (!existing || existing.alarm === null) throw new NotFoundError(`no alarm ${id}`);
      if (existing.alarm === 'cleared') throw new ConflictError(`alarm ${id} was already cleared at ${existing.clearedAt} by ${existing.clearedBy}`);
      this.repo.clear(id, new Date().toISOString(), 'operator');
      return this.repo.get(id)!;
    });
    this.events.publish({ type: 'alarm.cleared', data: alarm });
    return alarm;
  }

  forStation(stationId: string, limit: number, beforeId = Number.MAX_SAFE_INTEGER): StationEvent[] {
    return this.repo.forStation(stationId, limit, beforeId);
  }

  alarms(filter: AlarmFilter): { items: StationEvent[]; total: number } {
    return this.repo.alarms(filter);
  }
}
