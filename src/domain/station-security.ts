import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPassword, verifyPassword, type ScryptParams } from '../auth/password.ts';
import type { Logger } from '../log/logger.ts';
import type { IssuedCertificatesRepo } from '../storage/issued-certificates-repo.ts';
import type { StationSecurityRepo, StationSecurityRow } from '../storage/station-security-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { SecurityEventLog } from './security-events.ts';
import { canonicalPassword, newStationPassword } from './station-password.ts';
import type { ProfileReason, SecurityProfile, StationCredential, StationSecurityState } from './station-security-state.ts';

export type { SecurityProfile, StationSecurityState };

/** A TLS client certificate as the handshake saw it. */
export interface ClientCertificate {
  /** It chains to the site CA and is within its validity (OpenSSL's verdict). */
  trusted: boolean;
  /** OpenSSL's reason when not trusted, e.g. CERT_HAS_EXPIRED. */
  problem: string | null;
  commonName: string | null;
  serialNumber: string;
}

/** What a charger presented at the websocket handshake. */
export interface PresentedCredentials {
  stationId: string;
  tls: boolean;
  /** The Basic-auth password as bytes (OCPP 1.6 allows binary ones); the user name was checked to be the station id. */
  password: Buffer | null;
  certificate: ClientCertificate | null;
  remoteAddress: string | null;
  /** The Host header: how the station reaches Ampyard, for the URL of a profile upgrade. */
  host: string | null;
}

export type AuthDecision =
  | { ok: true; profile: SecurityProfile; credential: StationCredential }
  | { ok: false; eventType: 'FailedStationAuthentication' | 'SecurityProfileDowngradeRefused' | 'InvalidChargingStationCertificate'; reason: string };

/**
 * scrypt's cost protects guessable passwords. A generated one (116 random bits) cannot be guessed however fast
 * the hash, so it gets a cheap one: a depot's chargers all reconnecting after a restart then cost milliseconds
 * each instead of ~50-200 ms. Passwords a person chose get the full cost (src/auth/password.ts).
 */
const GENERATED_PASSWORD_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

export interface StationSecurityOptions {
  /** Stations whose profile is not configured may connect without credentials. */
  allowProfile0: boolean;
}

const certificateProblems: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the client certificate has expired',
  CERT_NOT_YET_VALID: 'the client certificate is not valid yet',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the client certificate is not issued by the site CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the client certificate is not issued by the site CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the client certificate is not issued by the site CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the client certificate is self-signed, not issued by the site CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'the client certificate is not issued by the site CA',
  CERT_SIGNATURE_FAILURE: 'the client certificate signature does not verify',
};

function emptyRow(stationId: string, now: string): StationSecurityRow {
  return {
    stationId,
    securityProfile: null,
    profileReason: null,
    pendingProfile: null,
    pendingSince: null,
    passwordHash: null,
    previousPasswordHash: null,
    passwordSetAt: null,
    lastProfile: null,
    lastCredential: null,
    lastCertificateSerial: null,
    lastAddress: null,
    lastHost: null,
    lastAuthenticatedAt: null,
    updatedAt: now,
  };
}

/**
 * Per-station security profiles and Basic-auth passwords, and the decision at each websocket handshake.
 *
 * Policy: a station may connect with its configured profile or a higher one, never lower. A station whose
 * profile is not configured (unknown, or registered without one) must present a password or a site-CA client
 * certificate unless `allowProfile0` is set; a password it is the first to present is recorded (trust on first
 * use, the station still needs approval unless in installation mode), and its profile is pinned to what it
 * authenticated with. Profile 0 is only accepted for stations explicitly set to it, or with `allowProfile0`.
 */
export class StationSecurity {
  private readonly repo: StationSecurityRepo;
  private readonly issued: IssuedCertificatesRepo;
  private readonly writes: WriteQueue;
  private readonly securityEvents: SecurityEventLog;
  private readonly options: StationSecurityOptions;
  private readonly log: Logger;
  /**
   * The password each station last authenticated with, as a keyed MAC (the key lives only in memory): a
   * reconnecting station is checked in microseconds instead of a 50 ms scrypt. Lost on restart, on purpose.
   */
  private readonly verified = new Map<string, { hash: string; proof: Buffer }>();
  private readonly proofKey = randomBytes(32);
  /** Where Ampyard listens (set once listening): for the URL a station is moved to on a profile upgrade. */
  endpoints: { port: number; tlsPort: number | null } = { port: 0, tlsPort: null };

  constructor(repo: StationSecurityRepo, issued: IssuedCertificatesRepo, writes: WriteQueue, securityEvents: SecurityEventLog, options: StationSecurityOptions, log: Logger) {
    this.repo = repo;
    this.issued = issued;
    this.writes = writes;
    this.securityEvents = securityEvents;
    this.options = options;
    this.log = log;
  }

  get allowProfile0(): boolean {
    return this.options.allowProfile0;
  }

  state(stationId: string): StationSecurityState {
    const row = this.repo.get(stationId) ?? emptyRow(stationId, '');
    return {
      stationId,
      securityProfile: row.securityProfile,
      profileReason: row.profileReason as ProfileReason | null,
      pendingProfile: row.pendingProfile,
      pendingSince: row.pendingSince,
      hasPassword: row.passwordHash !== null,
      passwordSetAt: row.passwordSetAt,
      passwordChangePending: row.previousPasswordHash !== null,
      lastProfile: row.lastProfile,
      lastCredential: row.lastCredential,
      lastCertificateSerial: row.lastCertificateSerial,
      lastAddress: row.lastAddress,
      lastAuthenticatedAt: row.lastAuthenticatedAt,
      updatedAt: row.updatedAt || null,
    };
  }

  list(): StationSecurityState[] {
    return this.repo.all().map((row) => this.state(row.stationId));
  }

  /** The profile a station must at least connect with now. */
  requiredProfile(stationId: string): SecurityProfile {
    return this.repo.get(stationId)?.securityProfile ?? (this.options.allowProfile0 ? 0 : 1);
  }

  lastAddress(stationId: string): string | null {
    return this.repo.get(stationId)?.lastAddress ?? null;
  }

  lastHost(stationId: string): string | null {
    return this.repo.get(stationId)?.lastHost ?? null;
  }

  /** A station added by an installer: its password (given, or generated and returned to be shown once). */
  async registered(stationId: string, settings: { securityProfile?: SecurityProfile; password?: string }): Promise<{ password: string; generated: boolean }> {
    const password = settings.password ?? newStationPassword();
    const hash = await this.hash(stationId, password, settings.password === undefined);
    await this.update(stationId, (row, now) => {
      Object.assign(row, { passwordHash: hash, previousPasswordHash: null, passwordSetAt: now });
      if (settings.securityProfile !== undefined) Object.assign(row, { securityProfile: settings.securityProfile, profileReason: 'registration', pendingProfile: null, pendingSince: null });
    });
    return { password, generated: settings.password === undefined };
  }

  /** An administrator sets the station's password without telling the station (the installer types it in there). */
  async setPassword(stationId: string, password: string, generated = false): Promise<void> {
    const hash = await this.hash(stationId, password, generated);
    await this.update(stationId, (row, now) => Object.assign(row, { passwordHash: hash, previousPasswordHash: null, passwordSetAt: now }));
    void this.securityEvents.own('StationPasswordSet', { stationId, techInfo: 'set by an administrator' });
  }

  /**
   * A new password is about to be sent to the station: from now both it and the current one are accepted,
   * until the station connects with the new one. Returns the new hash, for `passwordChangeRefused`.
   */
  async passwordChangeStarted(stationId: string, password: string, generated = false): Promise<string> {
    const hash = await this.hash(stationId, password, generated);
    await this.update(stationId, (row, now) => {
      // A change on top of one the station has not picked up keeps the password it certainly still has.
      const previous = row.previousPasswordHash ?? row.passwordHash;
      Object.assign(row, { passwordHash: hash, previousPasswordHash: previous, passwordSetAt: now });
    });
    return hash;
  }

  /** The station refused the new password: it keeps the old one, and so does Ampyard. */
  async passwordChangeRefused(stationId: string, hash: string): Promise<void> {
    await this.update(stationId, (row) => {
      if (row.passwordHash !== hash) return;
      Object.assign(row, { passwordHash: row.previousPasswordHash, previousPasswordHash: null });
    });
  }

  /** An administrator sets the lowest accepted profile (e.g. after reconfiguring a charger locally); ends any pending upgrade. */
  async setProfile(stationId: string, profile: SecurityProfile | null): Promise<StationSecurityState> {
    const before = this.repo.get(stationId)?.securityProfile ?? null;
    await this.update(stationId, (row) => Object.assign(row, { securityProfile: profile, profileReason: profile === null ? null : 'admin', pendingProfile: null, pendingSince: null }));
    if (before !== profile) void this.securityEvents.own('SecurityProfileChanged', { stationId, techInfo: `${before ?? 'not set'} -> ${profile ?? 'not set'} by an administrator` });
    return this.state(stationId);
  }

  /** The station accepted an upgrade; the profile it had stays accepted until it has connected with the new one. */
  async upgradeStarted(stationId: string, profile: SecurityProfile): Promise<void> {
    await this.update(stationId, (row, now) => Object.assign(row, { pendingProfile: profile, pendingSince: now }));
  }

  /** The decision at a websocket handshake; records what a successful one changes (see the class comment). */
  async authenticate(presented: PresentedCredentials): Promise<AuthDecision> {
    const { stationId } = presented;
    const row = this.repo.get(stationId);
    const required = row?.securityProfile ?? (this.options.allowProfile0 ? 0 : 1);

    let profile: SecurityProfile = 0;
    let credential: StationCredential = 'none';
    let certificateSerial: string | null = null;
    let certificateProblem: string | null = null;
    if (presented.certificate && presented.tls) {
      certificateProblem = this.certificateProblem(stationId, presented.certificate);
      if (!certificateProblem) {
        profile = 3;
        credential = 'certificate';
        certificateSerial = presented.certificate.serialNumber;
      }
    }

    let matched: { which: 'current' | 'previous'; hash: string } | 'first' | undefined;
    let proof: Buffer | undefined;
    if (profile < 3 && presented.password) {
      const canonical = canonicalPassword(presented.password);
      proof = this.proof(stationId, canonical);
      if (row?.passwordHash) {
        matched = await this.verify(stationId, row, canonical, proof);
        if (!matched) return { ok: false, eventType: 'FailedStationAuthentication', reason: 'wrong password' };
      } else {
        matched = 'first';
      }
      profile = presented.tls ? 2 : 1;
      credential = matched !== 'first' && matched.which === 'previous' ? 'previous-password' : 'password';
    }

    if (certificateProblem && (required === 3 || profile === 0)) return { ok: false, eventType: 'InvalidChargingStationCertificate', reason: certificateProblem };
    if (profile < required) {
      if (profile === 0) return { ok: false, eventType: 'FailedStationAuthentication', reason: `no credentials; security profile ${required} needs ${required === 3 ? 'a client certificate' : 'HTTP Basic authentication'}` };
      return { ok: false, eventType: 'SecurityProfileDowngradeRefused', reason: `connected with security profile ${profile}; the station is configured for ${required}` };
    }

    const firstHash = matched === 'first' ? await hashPassword(canonicalPassword(presented.password!)) : undefined;
    const notes: Array<[string, string]> = [];
    await this.update(stationId, (current, now) => {
      if (firstHash && current.passwordHash === null) {
        Object.assign(current, { passwordHash: firstHash, passwordSetAt: now });
        if (proof) this.verified.set(stationId, { hash: firstHash, proof });
        notes.push(['StationPasswordRecorded', `first password presented by a station without one, from ${presented.remoteAddress ?? 'unknown address'}`]);
      }
      if (matched && matched !== 'first' && matched.which === 'current' && current.passwordHash === matched.hash && current.previousPasswordHash) {
        current.previousPasswordHash = null;
        notes.push(['StationPasswordChanged', 'the station connected with its new password; the old one is no longer accepted']);
      }
      if (current.securityProfile === null && profile >= 1) Object.assign(current, { securityProfile: profile, profileReason: 'first-connection' });
      if (current.pendingProfile !== null && profile >= current.pendingProfile) {
        notes.push(['SecurityProfileChanged', `${current.securityProfile ?? 'not set'} -> ${current.pendingProfile}: the station connected with the upgraded profile; lower ones are refused from now on`]);
        Object.assign(current, { securityProfile: current.pendingProfile, profileReason: 'upgrade', pendingProfile: null, pendingSince: null });
      }
      Object.assign(current, {
        lastProfile: profile,
        lastCredential: credential,
        lastCertificateSerial: certificateSerial,
        lastAddress: presented.remoteAddress,
        lastHost: presented.host,
        lastAuthenticatedAt: now,
      });
    });
    for (const [type, techInfo] of notes) void this.securityEvents.own(type, { stationId, techInfo });
    if (credential === 'previous-password') this.log.info('station connected with its previous password; the new one is not in use yet', { station: stationId });
    return { ok: true, profile, credential };
  }

  private certificateProblem(stationId: string, certificate: ClientCertificate): string | null {
    if (!certificate.trusted) return certificateProblems[certificate.problem ?? ''] ?? `the client certificate is not trusted (${certificate.problem ?? 'unknown reason'})`;
    if (certificate.commonName !== stationId) return `the client certificate is for '${certificate.commonName ?? '(no CN)'}', not for '${stationId}'`;
    if (this.issued.get(certificate.serialNumber)?.revokedAt) return `the client certificate ${certificate.serialNumber} has been revoked`;
    return null;
  }

  private proof(stationId: string, canonical: string): Buffer {
    return createHmac('sha256', this.proofKey).update(stationId).update('\u0000').update(canonical).digest();
  }

  private async hash(stationId: string, password: string, generated: boolean): Promise<string> {
    const canonical = canonicalPassword(password);
    const hash = await hashPassword(canonical, generated ? GENERATED_PASSWORD_SCRYPT : undefined);
    this.verified.set(stationId, { hash, proof: this.proof(stationId, canonical) });
    return hash;
  }

  private async verify(stationId: string, row: StationSecurityRow, canonical: string, proof: Buffer): Promise<{ which: 'current' | 'previous'; hash: string } | undefined> {
    const candidates: Array<['current' | 'previous', string | null]> = [['current', row.passwordHash], ['previous', row.previousPasswordHash]];
    const cached = this.verified.get(stationId);
    if (cached && timingSafeEqual(cached.proof, proof)) {
      for (const [which, hash] of candidates) if (hash === cached.hash) return { which, hash };
    }
    for (const [which, hash] of candidates) {
      if (hash && (await verifyPassword(canonical, hash))) {
        this.verified.set(stationId, { hash, proof });
        return { which, hash };
      }
    }
    return undefined;
  }

  private update(stationId: string, change: (row: StationSecurityRow, now: string) => void): Promise<void> {
    // Read and written inside one queued write: a handshake and an administrator's change cannot overwrite each other.
    return this.writes.run(() => {
      const now = new Date().toISOString();
      const row = this.repo.get(stationId) ?? emptyRow(stationId, now);
      change(row, now);
      row.updatedAt = now;
      this.repo.save(row);
    });
  }
}
