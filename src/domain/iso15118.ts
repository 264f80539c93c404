import type { Logger } from '../log/logger.ts';
import type { Iso15118RequestsRepo } from '../storage/iso15118-requests-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { CertificateHashData } from './pem.ts';

/** Get15118EVCertificate: the EV's EXI-encoded request for a contract certificate, passed on by the station. */
export interface EvCertificateRequest {
  iso15118SchemaVersion: string;
  action: 'Install' | 'Update';
  exiRequest: string;
  /** OCPP 2.1. */
  maximumContractCertificateChains?: number;
  prioritizedEMAIDs?: string[];
}

/** GetCertificateStatus: an OCSP request the station cannot send itself (its certificate's CertID and responder). */
export type OcspRequest = CertificateHashData & { responderURL: string };

export type Failure = { status: 'Failed'; reasonCode: string; reason: string };
export type EvCertificateAnswer = { status: 'Accepted'; exiResponse: string; remainingContracts?: number } | Failure;
export type CertificateStatusAnswer = { status: 'Accepted'; ocspResult: string } | Failure;

/**
 * Where contract certificates come from: a Mobility Operator / V2G PKI (e.g. through a Hubject-style
 * certificate pool). Ampyard runs offline and has none; an integration replaces `offlineProvider`.
 */
export interface EvCertificateProvider {
  readonly name: string;
  evCertificate(stationId: string, request: EvCertificateRequest): Promise<EvCertificateAnswer>;
}

/**
 * Answers OCSP for the certificates of issuers it knows, `undefined` for the others. The hook for the site
 * CA (src/domain/station-ca.ts): it can answer for certificates it issued without a network (`ocspResult`
 * must then be a DER OCSPResponse, base64, signed by the CA or its OCSP signer).
 */
export interface CertificateStatusSource {
  readonly name: string;
  status(stationId: string, request: OcspRequest): Promise<CertificateStatusAnswer | undefined>;
}

/** One request a station made and how it was answered. */
export interface Iso15118Request {
  id: number;
  stationId: string;
  action: 'Get15118EVCertificate' | 'GetCertificateStatus';
  /** The request as received, e.g. `{ iso15118SchemaVersion, action, exiRequest }` or `{ ocspRequestData }`. */
  request: Record<string, unknown>;
  /** `Accepted` or `Failed`. */
  status: string;
  reasonCode: string | null;
  reason: string | null;
  /** The provider or status source that answered (`offline`: nobody could). */
  answeredBy: string;
  receivedAt: string;
}

export const offlineProvider: EvCertificateProvider = {
  name: 'offline',
  evCertificate: async () => ({
    status: 'Failed',
    reasonCode: 'NoV2GPkiConnection',
    reason: 'Ampyard runs offline and has no connection to a Mobility Operator / V2G PKI to obtain contract certificates',
  }),
};

const noOcsp: Failure = {
  status: 'Failed',
  reasonCode: 'NoOcspConnection',
  reason: 'Ampyard runs offline and cannot reach the OCSP responder of this certificate’s issuer',
};

/**
 * OCPP 2.x M (ISO 15118 certificate management, M02 and M06): contract certificates for EVs and OCSP status of
 * V2G certificates, both normally fetched from PKIs on the internet. Each request and its answer is recorded;
 * where the answer comes from is pluggable.
 */
export class Iso15118Certificates {
  private readonly repo: Iso15118RequestsRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger;
  private provider: EvCertificateProvider = offlineProvider;
  private readonly statusSources: CertificateStatusSource[] = [];

  constructor(repo: Iso15118RequestsRepo, writes: WriteQueue, log: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
  }

  useProvider(provider: EvCertificateProvider): void {
    this.provider = provider;
  }

  /** Status sources are asked in the order added; the first that knows the issuer answers. */
  addStatusSource(source: CertificateStatusSource): () => void {
    this.statusSources.push(source);
    return () => {
      const at = this.statusSources.indexOf(source);
      if (at >= 0) this.statusSources.splice(at, 1);
    };
  }

  async evCertificate(stationId: string, request: EvCertificateRequest): Promise<EvCertificateAnswer> {
    const answer = await this.ask(this.provider.name, () => this.provider.evCertificate(stationId, request));
    await this.record(stationId, 'Get15118EVCertificate', { ...request }, answer, this.provider.name);
    return answer;
  }

  async certificateStatus(stationId: string, request: OcspRequest): Promise<CertificateStatusAnswer> {
    for (const source of this.statusSources) {
      const answer = await this.ask(source.name, () => source.status(stationId, request));
      if (answer) {
        await this.record(stationId, 'GetCertificateStatus', { ocspRequestData: request }, answer, source.name);
        return answer;
      }
    }
    await this.record(stationId, 'GetCertificateStatus', { ocspRequestData: request }, noOcsp, 'offline');
    return noOcsp;
  }

  list(stationId: string, limit = 100): Iso15118Request[] {
    return this.repo.list(stationId, limit);
  }

  /** A provider that throws has failed this request; the station still gets an answer. */
  private async ask<T extends EvCertificateAnswer | CertificateStatusAnswer | undefined>(name: string, call: () => Promise<T>): Promise<T | Failure> {
    try {
      return await call();
    } catch (error) {
      this.log.warn('ISO 15118 certificate provider failed', { provider: name, error: (error as Error).message });
      return { status: 'Failed', reasonCode: 'ProviderError', reason: `${name}: ${(error as Error).message}`.slice(0, 500) };
    }
  }

  private async record(stationId: string, action: Iso15118Request['action'], request: Record<string, unknown>, answer: EvCertificateAnswer | CertificateStatusAnswer, answeredBy: string): Promise<void> {
    const failed = answer.status === 'Failed';
    await this.writes.run(() =>
      this.repo.insert({
        stationId,
        action,
        request,
        status: answer.status,
        reasonCode: failed ? answer.reasonCode : null,
        reason: failed ? answer.reason : null,
        answeredBy,
        receivedAt: new Date().toISOString(),
      }),
    );
  }
}
