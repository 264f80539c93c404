import type { MonitorsRepo } from '../storage/monitors-repo.ts';
import type { ReportRequest, ReportRequestsRepo } from '../storage/report-requests-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { MonitoringState, VariableMonitor } from './monitor.ts';

export type { MonitoringState, VariableMonitor };

type MonitorInput = Omit<VariableMonitor, 'source' | 'updatedAt'>;

/**
 * The monitor inventory of each OCPP 2.x station: what its monitoring reports list and what Ampyard set since.
 * A complete unfiltered report replaces the inventory: monitors it did not list are gone from the station.
 */
export class MonitoringService {
  private readonly repo: MonitorsRepo;
  private readonly requests: ReportRequestsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: MonitorsRepo, requests: ReportRequestsRepo, writes: WriteQueue) {
    this.repo = repo;
    this.requests = requests;
    this.writes = writes;
  }

  reportRequested(stationId: string, requestId: number, params: Record<string, unknown>, status: string): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      this.requests.requested(stationId, 'monitoring', requestId, params, status, at);
      const unfiltered = !params['components'] && !params['criteria'];
      // EmptyResultSet to an unfiltered request: the station has no monitors at all.
      if (status === 'EmptyResultSet' && unfiltered) this.repo.removeOlderThan(stationId, at);
      // The parts may have overtaken the station's answer.
      else this.replaceIfComplete(stationId, this.requests.get(stationId, 'monitoring', requestId)!);
    });
  }

  /** One NotifyMonitoringReport part; parts are stored as they come, in any order. */
  reportPart(stationId: string, requestId: number, seqNo: number, last: boolean, monitors: MonitorInput[]): Promise<ReportRequest> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      for (const m of monitors) this.repo.upsert(stationId, { ...m, source: 'report', updatedAt: at });
      const request = this.requests.part(stationId, 'monitoring', requestId, seqNo, last, at);
      this.replaceIfComplete(stationId, request);
      return request;
    });
  }

  private replaceIfComplete(stationId: string, request: ReportRequest): void {
    const complete = request.completedAt !== null && request.lastSeqNo !== null && request.partsReceived >= request.lastSeqNo + 1;
    const unfiltered = !request.params['unsolicited'] && !request.params['components'] && !request.params['criteria'];
    if (complete && unfiltered) this.repo.removeOlderThan(stationId, request.requestedAt);
  }

  /** Monitors the station accepted from SetVariableMonitoring, with the ids it gave them. */
  set(stationId: string, monitors: MonitorInput[]): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      for (const m of monitors) this.repo.upsert(stationId, { ...m, source: 'ampyard', updatedAt: at });
    });
  }

  removed(stationId: string, ids: number[]): Promise<void> {
    return this.writes.run(() => {
      for (const id of ids) this.repo.remove(stationId, id);
    });
  }

  /** FactoryDefault and HardWiredOnly remove every custom monitor from the station (OCPP 2.x N03). */
  baseSet(stationId: string, base: string): Promise<void> {
    return this.writes.run(() => {
      this.repo.setBase(stationId, base, new Date().toISOString());
      if (base !== 'All') this.repo.removeCustom(stationId);
    });
  }

  levelSet(stationId: string, severity: number): Promise<void> {
    return this.writes.run(() => this.repo.setLevel(stationId, severity, new Date().toISOString()));
  }

  inventory(stationId: string): MonitoringState & { items: VariableMonitor[]; reports: ReportRequest[] } {
    return { items: this.repo.list(stationId), ...this.repo.state(stationId), reports: this.requests.list(stationId, 'monitoring') };
  }
}
