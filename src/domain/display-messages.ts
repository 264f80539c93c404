import type { DisplayMessagesRepo } from '../storage/display-messages-repo.ts';
import type { ReportRequest, ReportRequestsRepo } from '../storage/report-requests-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { DisplayMessage, MessageInfo } from './display-message.ts';

export type { DisplayMessage, MessageInfo };

/**
 * The messages on each OCPP 2.x station's display: those Ampyard set (and the station accepted) and those the
 * station lists when asked. A complete unfiltered listing replaces what Ampyard knew.
 */
export class DisplayMessageService {
  private readonly repo: DisplayMessagesRepo;
  private readonly requests: ReportRequestsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: DisplayMessagesRepo, requests: ReportRequestsRepo, writes: WriteQueue) {
    this.repo = repo;
    this.requests = requests;
    this.writes = writes;
  }

  set(stationId: string, info: MessageInfo): Promise<void> {
    return this.writes.run(() => this.repo.set(stationId, info, new Date().toISOString()));
  }

  cleared(stationId: string, id: number): Promise<void> {
    return this.writes.run(() => this.repo.remove(stationId, id));
  }

  /** `status` Unknown to an unfiltered request means the station shows no messages at all. */
  reportRequested(stationId: string, requestId: number, params: Record<string, unknown>, status: string): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      this.requests.requested(stationId, 'display-messages', requestId, params, status, at);
      if (status === 'Unknown' && Object.keys(params).length === 0) this.repo.removeOlderThan(stationId, at);
      // The parts may have overtaken the station's answer.
      else this.replaceIfComplete(stationId, this.requests.get(stationId, 'display-messages', requestId)!);
    });
  }

  /** One NotifyDisplayMessages part. Parts carry no seqNo; OCPP-J delivers a station's calls in order. */
  reportPart(stationId: string, requestId: number, last: boolean, messages: MessageInfo[]): Promise<ReportRequest> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      for (const info of messages) this.repo.reported(stationId, info, at);
      const seqNo = this.requests.get(stationId, 'display-messages', requestId)?.partsReceived ?? 0;
      const request = this.requests.part(stationId, 'display-messages', requestId, seqNo, last, at);
      this.replaceIfComplete(stationId, request);
      return request;
    });
  }

  /** Unsolicited parts (params `{ unsolicited: true }`) and filtered listings replace nothing. */
  private replaceIfComplete(stationId: string, request: ReportRequest): void {
    if (request.completedAt !== null && Object.keys(request.params).length === 0) this.repo.removeOlderThan(stationId, request.requestedAt);
  }

  list(stationId: string): { items: DisplayMessage[]; reports: ReportRequest[] } {
    return { items: this.repo.list(stationId), reports: this.requests.list(stationId, 'display-messages') };
  }
}
