import type { Logger } from '../log/logger.ts';
import type { Ocpp21MessagesRepo } from '../storage/ocpp21-messages-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

/** A message only OCPP 2.1 has (DER control, settlement, battery swap, periodic event streams…), kept as received. */
export interface Ocpp21Message {
  id: number;
  stationId: string;
  action: string;
  /** `call` (answered) or `send` (2.1's unanswered SEND, e.g. NotifyPeriodicEventStream). */
  kind: 'call' | 'send';
  payload: Record<string, unknown>;
  /** What Ampyard answered: the response payload, or `{ error }` for a CALLERROR; null for a SEND. */
  answer: unknown;
  receivedAt: string;
}

/**
 * The OCPP 2.1 messages Ampyard does not act on yet: stored and shown, so nothing a 2.1 station reports is lost
 * and an operator can see what arrives.
 */
export class Ocpp21MessageLog {
  private readonly repo: Ocpp21MessagesRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger;

  constructor(repo: Ocpp21MessagesRepo, writes: WriteQueue, log: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
  }

  record(stationId: string, action: string, kind: 'call' | 'send', payload: Record<string, unknown>, answer: unknown): Promise<Ocpp21Message> {
    const receivedAt = new Date().toISOString();
    return this.writes.run(() => this.repo.insert({ stationId, action, kind, payload, answer, receivedAt }));
  }

  /** A SEND has nobody waiting for it: a failure to store it is logged, never thrown. */
  recordSend(stationId: string, action: string, payload: Record<string, unknown>): void {
    this.record(stationId, action, 'send', payload, null).catch((error: Error) => this.log.error('could not store an OCPP 2.1 SEND message', { station: stationId, action, error: error.message }));
  }

  list(stationId: string, filter: { action?: string; limit: number; beforeId?: number }): Ocpp21Message[] {
    return this.repo.list(stationId, { ...filter, beforeId: filter.beforeId ?? Number.MAX_SAFE_INTEGER });
  }
}
