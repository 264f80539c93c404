import type { CommandRunner } from '../commands/runner.ts';
import type { Logger } from '../log/logger.ts';
import type { SessionRegistry } from '../ocpp/sessions.ts';
import { validateStationCsr } from '../pki/csr.ts';
import { normalizeSerial, type SitePki } from '../pki/site-pki.ts';
import type { IssuedCertificatesRepo } from '../storage/issued-certificates-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { CertificateSigningRequest } from './certificate.ts';
import type { StationCertificates } from './certificates.ts';
import { NotFoundError } from './errors.ts';
import type { SecurityEventLog } from './security-events.ts';
import { validityOf, type CertificateValidity, type IssuedCertificate } from './station-security-state.ts';
import type { StationSecurity } from './station-security.ts';

export interface StationCaOptions {
  certificateDays: number;
  renewalDays: number;
}

export interface StationCaDeps {
  pki: SitePki;
  repo: IssuedCertificatesRepo;
  certificates: StationCertificates;
  security: StationSecurity;
  securityEvents: SecurityEventLog;
  sessions: SessionRegistry;
  writes: WriteQueue;
  log: Logger;
  /** Late bound: the command runner is built from the services this is part of. */
  commands: () => CommandRunner;
}

/** The CSR use Ampyard signs itself; V2G (ISO 15118) certificates belong to the e-mobility PKI and wait for an operator. */
const OWN_USE = 'ChargingStationCertificate';
const RENEWAL_RETRY_MS = 24 * 3_600_000;

export type IssuedCertificateView = IssuedCertificate & { validity: CertificateValidity };

/**
 * The site CA's work for stations (OCPP 1.6 security extension and 2.x A02-A04): SignCertificate requests are
 * checked and, when valid, signed and delivered with CertificateSigned without operator action; certificates
 * near their end make Ampyard ask the station for a new CSR; revoked ones no longer authenticate.
 */
export class StationCertificateAuthority {
  private readonly deps: StationCaDeps;
  private readonly options: StationCaOptions;

  constructor(deps: StationCaDeps, options: StationCaOptions) {
    this.deps = deps;
    this.options = options;
  }

  get organization(): string {
    return this.deps.pki.organization;
  }

  /**
   * A station's SignCertificate. Answers whether it is accepted; an accepted CSR for the station's own
   * certificate is then signed and delivered by `deliver`, which the caller runs after the answer is sent.
   */
  async csrReceived(stationId: string, request: { csr: string; certificateType: string | null; requestId: number | null }): Promise<{ accepted: boolean; deliver?: () => Promise<void> }> {
    const ownUse = (request.certificateType ?? OWN_USE) === OWN_USE;
    const verdict = await validateStationCsr(request.csr, { stationId, organization: ownUse ? this.organization : null });
    const stored = await this.deps.certificates.csrReceived(stationId, request, verdict);
    if (!verdict.ok) {
      this.deps.log.info('rejected a CSR', { station: stationId, reason: verdict.reason });
      void this.deps.securityEvents.own('InvalidCsr', { stationId, techInfo: verdict.reason });
      return { accepted: false };
    }
    if (!ownUse) return { accepted: true };
    return { accepted: true, deliver: () => this.signAndDeliver(stationId, stored, verdict.request.publicKey) };
  }

  /** Signs the CSR's key for the station and sends the chain (CertificateSigned); records how the station answered. */
  private async signAndDeliver(stationId: string, csr: CertificateSigningRequest, publicKey: Parameters<SitePki['issue']>[0]['publicKey']): Promise<void> {
    const { pki, repo, writes, log, securityEvents } = this.deps;
    const issued = await pki.issue({ publicKey, commonName: stationId, usage: 'client', days: this.options.certificateDays });
    const record: IssuedCertificate = {
      serialNumber: issued.serialNumber,
      stationId,
      csrId: csr.id,
      certificateType: OWN_USE,
      subject: issued.subject,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      certificate: issued.pem,
      issuedAt: new Date().toISOString(),
      delivery: 'pending',
      revokedAt: null,
      revocationReason: null,
      renewalRequestedAt: null,
    };
    await writes.run(() => repo.insert(record));
    let delivery: IssuedCertificate['delivery'];
    try {
      const outcome = await this.deps.commands().run(stationId, 'certificateSigned', {
        certificateChain: pki.chainFor(issued.pem),
        csrId: csr.id,
        ...(csr.certificateType ? { certificateType: csr.certificateType } : {}),
      });
      delivery = outcome.status === 'accepted' ? 'accepted' : 'rejected';
    } catch (error) {
      log.warn('could not deliver a signed certificate to the station', { station: stationId, serial: issued.serialNumber, error: (error as Error).message });
      delivery = 'failed';
    }
    await writes.run(() => repo.setDelivery(issued.serialNumber, delivery));
    if (delivery === 'accepted') {
      log.info('station installed a certificate issued by the site CA', { station: stationId, serial: issued.serialNumber, notAfter: issued.notAfter });
      void securityEvents.own('StationCertificateIssued', { stationId, techInfo: `serial ${issued.serialNumber}, valid until ${issued.notAfter}` });
    } else {
      void securityEvents.own('CertificateRejected', { stationId, techInfo: `the station did not install certificate ${issued.serialNumber} (${delivery})` });
    }
  }

  list(stationId: string, limit = 100): IssuedCertificateView[] {
    return this.deps.repo.forStation(stationId, limit).map((c) => ({ ...c, validity: validityOf(c, this.options.renewalDays) }));
  }

  /** The station's newest certificate it installed and that is still good for profile 3, if any. */
  usableCertificate(stationId: string): IssuedCertificateView | undefined {
    return this.list(stationId).find((c) => c.delivery === 'accepted' && (c.validity === 'valid' || c.validity === 'expiring'));
  }

  /** Revokes a certificate; a station connected with it is disconnected, and it cannot authenticate again. */
  async revoke(stationId: string, serial: string, reason: string | null): Promise<IssuedCertificateView> {
    const serialNumber = normalizeSerial(serial);
    const cert = this.deps.repo.get(serialNumber);
    if (!cert || cert.stationId !== stationId) throw new NotFoundError(`no certificate ${serialNumber} issued to station ${stationId}`);
    const revokedNow = await this.deps.writes.run(() => this.deps.repo.revoke(serialNumber, new Date().toISOString(), reason));
    if (revokedNow) {
      void this.deps.securityEvents.own('StationCertificateRevoked', { stationId, techInfo: `serial ${serialNumber}${reason ? `: ${reason}` : ''}` });
      const state = this.deps.security.state(stationId);
      const session = this.deps.sessions.get(stationId);
      if (session && state.lastCredential === 'certificate' && state.lastCertificateSerial === serialNumber) {
        this.deps.log.info('disconnecting a station whose certificate was revoked', { station: stationId, serial: serialNumber });
        session.socket.close(1008, 'client certificate revoked');
        setTimeout(() => session.socket.terminate(), 2000).unref();
      }
    }
    return { ...this.deps.repo.get(serialNumber)!, validity: 'revoked' };
  }

  /**
   * Asks every connected station whose certificate is close to its end for a new CSR (1.6 ExtendedTriggerMessage
   * SignChargePointCertificate, 2.x TriggerMessage SignChargingStationCertificate), at most once a day per
   * certificate. The CSR that follows is signed like any other. Returns the stations asked.
   */
  async checkRenewals(now = Date.now()): Promise<string[]> {
    const asked: string[] = [];
    for (const cert of this.deps.repo.currentPerStation()) {
      if (validityOf(cert, this.options.renewalDays, now) !== 'expiring') continue;
      if (cert.renewalRequestedAt && now - Date.parse(cert.renewalRequestedAt) < RENEWAL_RETRY_MS) continue;
      if (!this.deps.sessions.get(cert.stationId)) continue;
      try {
        const outcome = await this.deps.commands().run(cert.stationId, 'extendedTriggerMessage', { message: 'SignChargePointCertificate' });
        await this.deps.writes.run(() => this.deps.repo.renewalRequested(cert.serialNumber, new Date(now).toISOString()));
        this.deps.log.info('asked a station to renew its certificate', { station: cert.stationId, serial: cert.serialNumber, notAfter: cert.notAfter, answer: outcome.status });
        asked.push(cert.stationId);
      } catch (error) {
        this.deps.log.warn('could not ask a station to renew its certificate', { station: cert.stationId, error: (error as Error).message });
      }
    }
    return asked;
  }
}
