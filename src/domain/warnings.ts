import type { WarningsRepo, StationWarning } from '../storage/warnings-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';

export type { StationWarning };

export class StationWarnings {
  private readonly repo: WarningsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: WarningsRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
  }

  /** Records a warning; never fails the caller (a warning is not worth refusing a charger's message). */
  add(stationId: string, kind: string, message: string): void {
    const at = new Date().toISOString();
    this.writes.run(() => this.repo.add(stationId, kind, message, at)).catch(() => undefined);
    this.events.publish({ type: 'station.warning', data: { stationId, kind, message, at } });
  }

  forStation(stationId: string, limit = 100): StationWarning[] {
    return this.repo.forStation(stationId, limit);
  }
}
