import type { CertificateHashData } from './pem.ts';

export type { CertificateHashData };

/**
 * Where a CSR stands. `pending`: accepted, waiting for a signed certificate; `rejected`: Ampyard refused it
 * (see rejectReason); `superseded`: the station sent a newer CSR of the same type; `installed`: the station
 * accepted the certificate chain sent for it.
 */
export type CsrStatus = 'pending' | 'rejected' | 'superseded' | 'installed';

/** A station's SignCertificate request and what became of it, version-neutral. */
export interface CertificateSigningRequest {
  id: number;
  stationId: string;
  /** 2.x CertificateSigningUse (`ChargingStationCertificate`, `V2GCertificate`, …); 1.6 is always `ChargingStationCertificate`; null when a 2.x station left it out. */
  certificateType: string | null;
  /** OCPP 2.1 requestId, echoed in CertificateSigned. */
  requestId: number | null;
  csr: string;
  /** The CSR's subject, e.g. `CN=CP-1, O=Depot`; null when it could not be read. */
  subject: string | null;
  status: CsrStatus;
  rejectReason: string | null;
  receivedAt: string;
  /** The last certificate chain sent for it (CertificateSigned), when and how the station answered. */
  certificateChain: string | null;
  certificateSentAt: string | null;
  certificateStatus: 'accepted' | 'rejected' | null;
  updatedAt: string;
}

/** Version-neutral certificate uses of GetInstalledCertificateIds/InstallCertificate (1.6 calls CSMSRootCertificate CentralSystemRootCertificate). */
export const installableCertificateTypes = ['CSMSRootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'MORootCertificate'] as const;
export const reportableCertificateTypes = [...installableCertificateTypes, 'V2GCertificateChain', 'OEMRootCertificate'] as const;
export type InstallableCertificateType = (typeof installableCertificateTypes)[number];
export type ReportableCertificateType = (typeof reportableCertificateTypes)[number];

/** One entry of a station's certificate inventory. */
export interface InstalledCertificate extends CertificateHashData {
  certificateType: string;
  /** 2.x V2GCertificateChain: the sub-CA certificates under it. */
  childCertificateHashData: CertificateHashData[] | null;
  /** `station`: as reported by GetInstalledCertificateIds; `installed`: Ampyard installed it (hash data computed from `certificate`). */
  source: 'station' | 'installed';
  certificate: string | null;
  reportedAt: string;
}

export interface CertificateInventory {
  items: InstalledCertificate[];
  /** When each certificate type was last asked for; a type asked for without items has none installed. */
  checks: Array<{ certificateType: string; checkedAt: string }>;
}
