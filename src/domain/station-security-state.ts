/** OCPP security profiles: 0 none (lab only), 1 Basic auth over ws, 2 TLS + Basic auth, 3 TLS with a client certificate. */
export type SecurityProfile = 0 | 1 | 2 | 3;
export const securityProfiles: readonly SecurityProfile[] = [0, 1, 2, 3];

/** What a station authenticated with. `previous-password`: the one before a password change it has not picked up yet. */
export type StationCredential = 'none' | 'password' | 'previous-password' | 'certificate';

/**
 * Why the station's profile is what it is: `legacy` (connected before profiles existed), `registration`,
 * `first-connection` (pinned to what an unconfigured station first authenticated with), `admin`, `upgrade`.
 */
export type ProfileReason = 'legacy' | 'registration' | 'first-connection' | 'admin' | 'upgrade';

/** A station's security settings as the API shows them: never a password or a hash. */
export interface StationSecurityState {
  stationId: string;
  /** The lowest profile the station may connect with; null: not configured yet (the site policy applies). */
  securityProfile: SecurityProfile | null;
  profileReason: ProfileReason | null;
  /** An upgrade sent to the station; the old profile is accepted until the station has connected with this one. */
  pendingProfile: SecurityProfile | null;
  pendingSince: string | null;
  hasPassword: boolean;
  passwordSetAt: string | null;
  /** A new password was sent; the old one is accepted until the station connects with the new one. */
  passwordChangePending: boolean;
  lastProfile: SecurityProfile | null;
  lastCredential: StationCredential | null;
  lastCertificateSerial: string | null;
  lastAddress: string | null;
  lastAuthenticatedAt: string | null;
  updatedAt: string | null;
}

/** A certificate Ampyard's site CA issued to a station. */
export interface IssuedCertificate {
  /** Lower-case hex, no leading zeroes (as OCPP's certificateHashData). */
  serialNumber: string;
  stationId: string;
  csrId: number | null;
  certificateType: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** PEM (public). */
  certificate: string;
  issuedAt: string;
  /** How the station answered CertificateSigned; `failed`: no answer. */
  delivery: 'pending' | 'accepted' | 'rejected' | 'failed';
  revokedAt: string | null;
  revocationReason: string | null;
  renewalRequestedAt: string | null;
}

export type CertificateValidity = 'valid' | 'expiring' | 'expired' | 'revoked' | 'not-yet-valid';

/** Where a certificate stands now; `expiring` within `warnDays` of its end. */
export function validityOf(cert: { notBefore: string; notAfter: string; revokedAt?: string | null }, warnDays: number, now = Date.now()): CertificateValidity {
  if (cert.revokedAt) return 'revoked';
  if (Date.parse(cert.notBefore) > now) return 'not-yet-valid';
  const end = Date.parse(cert.notAfter);
  if (end <= now) return 'expired';
  return end - now <= warnDays * 86_400_000 ? 'expiring' : 'valid';
}
