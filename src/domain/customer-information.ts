import type { CustomerInformationPart, CustomerInformationRepo } from '../storage/customer-information-repo.ts';
import type { ReportRequest, ReportRequestsRepo } from '../storage/report-requests-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

/** Who a customer information request is about: at least one of these. */
export interface CustomerReference {
  customerIdentifier?: string;
  idToken?: { idToken: string; type: string };
  customerCertificate?: { hashAlgorithm: string; issuerNameHash: string; issuerKeyHash: string; serialNumber: string };
}

export interface CustomerInformationRequest extends ReportRequest {
  /** Every part's data in seqNo order; complete once `completedAt` is set and no part is missing. */
  data: string;
  complete: boolean;
  parts: CustomerInformationPart[];
}

/**
 * What stations hold about a customer (OCPP 2.x CustomerInformation, e.g. for a data subject request): each
 * request and the NotifyCustomerInformation parts that answer it.
 */
export class CustomerInformationService {
  private readonly repo: CustomerInformationRepo;
  private readonly requests: ReportRequestsRepo;
  private readonly writes: WriteQueue;

  constructor(repo: CustomerInformationRepo, requests: ReportRequestsRepo, writes: WriteQueue) {
    this.repo = repo;
    this.requests = requests;
    this.writes = writes;
  }

  requested(stationId: string, requestId: number, params: { report: boolean; clear: boolean } & CustomerReference, status: string): Promise<void> {
    return this.writes.run(() => this.requests.requested(stationId, 'customer-information', requestId, { ...params }, status, new Date().toISOString()));
  }

  part(stationId: string, requestId: number, part: { seqNo: number; data: string; generatedAt: string; last: boolean }): Promise<void> {
    const receivedAt = new Date().toISOString();
    return this.writes.run(() => {
      this.repo.insert(stationId, requestId, { seqNo: part.seqNo, data: part.data, generatedAt: part.generatedAt, receivedAt });
      this.requests.part(stationId, 'customer-information', requestId, part.seqNo, part.last, receivedAt);
    });
  }

  list(stationId: string, limit = 50): CustomerInformationRequest[] {
    return this.requests.list(stationId, 'customer-information', limit).map((request) => {
      const parts = this.repo.parts(stationId, request.requestId);
      const complete = request.completedAt !== null && parts.length === (request.lastSeqNo ?? -1) + 1;
      return { ...request, data: parts.map((p) => p.data).join(''), complete, parts };
    });
  }
}
