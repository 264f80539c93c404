import type { CertificatesRepo, InventoryEntry } from '../storage/certificates-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { CertificateHashData, CertificateInventory, CertificateSigningRequest, CsrStatus } from './certificate.ts';
import { NotFoundError } from './errors.ts';
import type { EventBus } from './events.ts';
import { checkCsr } from './pem.ts';

export type { InventoryEntry };

/**
 * Station certificates, for every OCPP version: the CSRs stations send (SignCertificate) until a certificate
 * is delivered for them (CertificateSigned), and each station's inventory of installed certificates as it
 * last reported it (GetInstalledCertificateIds), kept current by installs and deletes.
 */
export class StationCertificates {
  private readonly repo: CertificatesRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: CertificatesRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
  }

  /**
   * Stores a CSR: `pending` when it is a plausible PEM CSR, `rejected` (with the reason) otherwise; or as the
   * given verdict says (the site CA's full check, src/pki/csr.ts).
   */
  async csrReceived(
    stationId: string,
    request: { csr: string; certificateType: string | null; requestId: number | null },
    verdict?: { ok: true; subject: string } | { ok: false; reason: string; subject: string | null },
  ): Promise<CertificateSigningRequest> {
    const check: { ok: true; subject: string } | { ok: false; reason: string; subject?: string | null } = verdict ?? checkCsr(request.csr);
    const stored = await this.writes.run(() =>
      this.repo.insertCsr({
        stationId,
        ...request,
        subject: check.ok ? check.subject : (check.subject ?? null),
        status: check.ok ? 'pending' : 'rejected',
        rejectReason: check.ok ? null : check.reason,
        at: new Date().toISOString(),
      }),
    );
    this.events.publish({ type: 'csr.updated', data: stored });
    return stored;
  }

  /** The CSR a certificate is meant for: the one named, or the station's newest pending CSR of that use. */
  csrFor(stationId: string, csrId: number | undefined, certificateType: string | null): CertificateSigningRequest | undefined {
    if (csrId === undefined) return this.repo.newestPendingCsr(stationId, certificateType);
    const csr = this.repo.getCsr(csrId);
    if (!csr || csr.stationId !== stationId) throw new NotFoundError(`no CSR ${csrId} from station ${stationId}`);
    return csr;
  }

  async certificateDelivered(csrId: number, certificateChain: string, accepted: boolean): Promise<CertificateSigningRequest> {
    const updated = await this.writes.run(() => this.repo.recordDelivery(csrId, certificateChain, accepted, new Date().toISOString()));
    this.events.publish({ type: 'csr.updated', data: updated });
    return updated;
  }

  listCsrs(stationId: string, limit = 100, status?: CsrStatus): CertificateSigningRequest[] {
    return this.repo.listCsrs(stationId, limit, status);
  }

  /** What the station reported for the asked-for types replaces what was known of them. */
  inventoryReported(stationId: string, types: readonly string[], entries: InventoryEntry[]): Promise<void> {
    return this.writes.run(() => this.repo.replaceInventory(stationId, types, entries, new Date().toISOString()));
  }

  installed(stationId: string, entry: InventoryEntry): Promise<void> {
    return this.writes.run(() => this.repo.upsert(stationId, entry, new Date().toISOString()));
  }

  /** Returns how many inventory entries were removed. */
  deleted(stationId: string, hash: CertificateHashData): Promise<number> {
    return this.writes.run(() => this.repo.removeEntry(stationId, hash));
  }

  inventory(stationId: string): CertificateInventory {
    return this.repo.inventory(stationId);
  }
}
