import type { ChargingProfileReportsRepo } from '../storage/charging-profile-reports-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { ReportedSchedule } from './reported-schedule.ts';

/**
 * A charging profile as an OCPP 2.x station lists it (ReportChargingProfiles), whoever set it: Ampyard, an
 * energy management system, the grid operator. Purposes and kinds in neutral form: `stationMax`, `txDefault`,
 * `tx`, `externalConstraints` (2.1 also `priorityCharging`, `localGeneration`); `absolute`, `recurring`,
 * `relative` (2.1 also `dynamic`).
 */
export interface ReportedChargingProfile {
  evseId: number;
  /** Who set it: `CSO` (a CSMS such as Ampyard), `EMS`, `SO`, `Other` (2.1: any name). */
  source: string;
  id: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  recurrency: 'daily' | 'weekly' | null;
  validFrom: string | null;
  validTo: string | null;
  /** The station's transaction id (tx profiles) and Ampyard's, when it knows the transaction. */
  stationTxId: string | null;
  transactionId: number | null;
  schedules: ReportedSchedule[];
}

/** One GetChargingProfiles request and everything reported for it (`criteria.unsolicited`: Ampyard did not ask). */
export interface ChargingProfileReport {
  stationId: string;
  requestId: number;
  criteria: Record<string, unknown>;
  /** The station's answer: `accepted` (reports follow) or `noprofiles`; null while unanswered. */
  status: string | null;
  requestedAt: string;
  partsReceived: number;
  completedAt: string | null;
  complete: boolean;
  profiles: ReportedChargingProfile[];
}

/** What stations report of the charging profiles they hold, by request. */
export class ChargingProfileReports {
  private readonly repo: ChargingProfileReportsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: ChargingProfileReportsRepo, writes: WriteQueue) {
    this.repo = repo;
    this.writes = writes;
  }

  /** The station's answer to GetChargingProfiles; `noprofiles` completes the report with nothing in it. */
  async requested(stationId: string, requestId: number, criteria: Record<string, unknown>, status: string): Promise<ChargingProfileReport> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      this.repo.requested(stationId, requestId, criteria, status, at, status === 'noprofiles');
      return this.repo.get(stationId, requestId)!;
    });
  }

  /** One ReportChargingProfiles part; parts carry no seqNo, OCPP-J delivers a station's calls in order. */
  async part(stationId: string, requestId: number, last: boolean, profiles: ReportedChargingProfile[]): Promise<ChargingProfileReport> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      this.repo.part(stationId, requestId, last, at, profiles);
      return this.repo.get(stationId, requestId)!;
    });
  }

  get(stationId: string, requestId: number): ChargingProfileReport | undefined {
    return this.repo.get(stationId, requestId);
  }

  list(stationId: string, limit = 20): ChargingProfileReport[] {
    return this.repo.list(stationId, limit);
  }
}
