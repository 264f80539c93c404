import type { CertificateHashData, CertificateInventory, CertificateSigningRequest, CsrStatus, InstalledCertificate } from '../domain/certificate.ts';
import type { Db } from './database.ts';

const csrColumns = `id, station_id AS stationId, certificate_type AS certificateType, request_id AS requestId, csr, subject, status,
  reject_reason AS rejectReason, received_at AS receivedAt, certificate_chain AS certificateChain,
  certificate_sent_at AS certificateSentAt, certificate_status AS certificateStatus, updated_at AS updatedAt`;

const inventoryColumns = `certificate_type AS certificateType, hash_algorithm AS hashAlgorithm, issuer_name_hash AS issuerNameHash,
  issuer_key_hash AS issuerKeyHash, serial_number AS serialNumber, child_certificate_hash_data AS children, source, certificate,
  reported_at AS reportedAt`;

type InventoryRow = Omit<InstalledCertificate, 'childCertificateHashData'> & { children: string | null };

/** A CSR without a type is for the station's own (CSMS connection) certificate, as in OCPP 1.6. */
const DEFAULT_USE = 'ChargingStationCertificate';

const hashKey = (h: CertificateHashData) => [h.hashAlgorithm, h.issuerNameHash, h.issuerKeyHash, h.serialNumber].join('|').toLowerCase();

export interface NewCsr {
  stationId: string;
  certificateType: string | null;
  requestId: number | null;
  csr: string;
  subject: string | null;
  status: 'pending' | 'rejected';
  rejectReason: string | null;
  at: string;
}

export interface InventoryEntry extends CertificateHashData {
  certificateType: string;
  childCertificateHashData: CertificateHashData[] | null;
  source: 'station' | 'installed';
  certificate: string | null;
}

/** CSRs and the per-station certificate inventory. Writes run inside the write queue's group transaction. */
export class CertificatesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insertCsr: db.prepare(`INSERT INTO certificate_signing_requests (station_id, certificate_type, request_id, csr, subject, status,
          reject_reason, received_at, updated_at)
        VALUES (@stationId, @certificateType, @requestId, @csr, @subject, @status, @rejectReason, @at, @at)`),
      csr: db.prepare(`SELECT ${csrColumns} FROM certificate_signing_requests WHERE id = ?`),
      supersede: db.prepare(`UPDATE certificate_signing_requests SET status = 'superseded', updated_at = @at
        WHERE station_id = @stationId AND status = 'pending' AND id <> @id AND COALESCE(certificate_type, '${DEFAULT_USE}') = COALESCE(@certificateType, '${DEFAULT_USE}')`),
      pendingOfType: db.prepare(`SELECT ${csrColumns} FROM certificate_signing_requests
        WHERE station_id = ? AND status = 'pending' AND COALESCE(certificate_type, '${DEFAULT_USE}') = ? ORDER BY id DESC LIMIT 1`),
      delivered: db.prepare(`UPDATE certificate_signing_requests SET certificate_chain = @chain, certificate_sent_at = @at,
          certificate_status = @certificateStatus, status = @status, updated_at = @at WHERE id = @id`),
      csrs: db.prepare(`SELECT ${csrColumns} FROM certificate_signing_requests WHERE station_id = ? ORDER BY id DESC LIMIT ?`),
      csrsWithStatus: db.prepare(`SELECT ${csrColumns} FROM certificate_signing_requests WHERE station_id = ? AND status = ? ORDER BY id DESC LIMIT ?`),
      knownPems: db.prepare(`SELECT hash_algorithm AS hashAlgorithm, issuer_name_hash AS issuerNameHash, issuer_key_hash AS issuerKeyHash,
          serial_number AS serialNumber, certificate FROM station_certificates WHERE station_id = ? AND certificate IS NOT NULL`),
      clearType: db.prepare('DELETE FROM station_certificates WHERE station_id = ? AND certificate_type = ?'),
      upsertEntry: db.prepare(`INSERT INTO station_certificates (station_id, certificate_type, hash_algorithm, issuer_name_hash, issuer_key_hash,
          serial_number, child_certificate_hash_data, source, certificate, reported_at)
        VALUES (@stationId, @certificateType, @hashAlgorithm, @issuerNameHash, @issuerKeyHash, @serialNumber, @children, @source, @certificate, @at)
        ON CONFLICT DO UPDATE SET child_certificate_hash_data = excluded.child_certificate_hash_data, source = excluded.source,
          certificate = COALESCE(excluded.certificate, certificate), reported_at = excluded.reported_at`),
      deleteEntry: db.prepare(`DELETE FROM station_certificates WHERE station_id = @stationId AND hash_algorithm = @hashAlgorithm
        AND issuer_name_hash = @issuerNameHash AND issuer_key_hash = @issuerKeyHash AND serial_number = @serialNumber`),
      check: db.prepare(`INSERT INTO station_certificate_checks (station_id, certificate_type, checked_at) VALUES (?, ?, ?)
        ON CONFLICT DO UPDATE SET checked_at = excluded.checked_at`),
      entries: db.prepare(`SELECT ${inventoryColumns} FROM station_certificates WHERE station_id = ? ORDER BY certificate_type, reported_at, serial_number`),
      checks: db.prepare('SELECT certificate_type AS certificateType, checked_at AS checkedAt FROM station_certificate_checks WHERE station_id = ? ORDER BY certificate_type'),
    };
  }

  /** Inserts a CSR; a new pending one supersedes the station's older pending CSRs of the same use. */
  insertCsr(csr: NewCsr): CertificateSigningRequest {
    const id = Number(this.s.insertCsr.run(csr).lastInsertRowid);
    if (csr.status === 'pending') this.s.supersede.run({ stationId: csr.stationId, certificateType: csr.certificateType, id, at: csr.at });
    return this.getCsr(id)!;
  }

  getCsr(id: number): CertificateSigningRequest | undefined {
    return this.s.csr.get(id) as CertificateSigningRequest | undefined;
  }

  newestPendingCsr(stationId: string, certificateType: string | null): CertificateSigningRequest | undefined {
    return this.s.pendingOfType.get(stationId, certificateType ?? DEFAULT_USE) as CertificateSigningRequest | undefined;
  }

  recordDelivery(id: number, chain: string, accepted: boolean, at: string): CertificateSigningRequest {
    const current = this.getCsr(id)!;
    // A refused chain leaves a pending CSR pending: a corrected chain may follow.
    const status: CsrStatus = accepted ? 'installed' : current.status;
    this.s.delivered.run({ id, chain, at, certificateStatus: accepted ? 'accepted' : 'rejected', status });
    return this.getCsr(id)!;
  }

  listCsrs(stationId: string, limit: number, status?: CsrStatus): CertificateSigningRequest[] {
    return (status ? this.s.csrsWithStatus.all(stationId, status, limit) : this.s.csrs.all(stationId, limit)) as CertificateSigningRequest[];
  }

  /** Replaces what is known of the asked-for types with what the station reported (entries of other types are kept too). */
  replaceInventory(stationId: string, types: readonly string[], entries: InventoryEntry[], at: string): void {
    // Stations report hash data only; keep the PEM of a certificate Ampyard installed when it is reported again.
    const pems = new Map<string, string>();
    for (const known of this.s.knownPems.all(stationId) as Array<CertificateHashData & { certificate: string }>) pems.set(hashKey(known), known.certificate);
    for (const type of types) this.s.clearType.run(stationId, type);
    for (const entry of entries) this.upsert(stationId, { ...entry, certificate: entry.certificate ?? pems.get(hashKey(entry)) ?? null }, at);
    for (const type of new Set([...types, ...entries.map((e) => e.certificateType)])) this.s.check.run(stationId, type, at);
  }

  upsert(stationId: string, entry: InventoryEntry, at: string): void {
    const { childCertificateHashData, ...rest } = entry;
    this.s.upsertEntry.run({ ...rest, stationId, children: childCertificateHashData ? JSON.stringify(childCertificateHashData) : null, at });
  }

  removeEntry(stationId: string, hash: CertificateHashData): number {
    const { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber } = hash;
    return this.s.deleteEntry.run({ stationId, hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }).changes;
  }

  inventory(stationId: string): CertificateInventory {
    const items = (this.s.entries.all(stationId) as InventoryRow[]).map(({ children, ...row }) => ({
      ...row,
      childCertificateHashData: children ? (JSON.parse(children) as CertificateHashData[]) : null,
    }));
    return { items, checks: this.s.checks.all(stationId) as CertificateInventory['checks'] };
  }
}
