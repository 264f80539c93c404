import type { IssuedCertificate } from '../domain/station-security-state.ts';
import type { Db } from './database.ts';

const columns = `serial_number AS serialNumber, station_id AS stationId, csr_id AS csrId, certificate_type AS certificateType, subject,
  not_before AS notBefore, not_after AS notAfter, certificate, issued_at AS issuedAt, delivery, revoked_at AS revokedAt,
  revocation_reason AS revocationReason, renewal_requested_at AS renewalRequestedAt`;

/** Certificates the site CA issued to stations. Writes run inside the write queue. */
export class IssuedCertificatesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO issued_certificates (serial_number, station_id, csr_id, certificate_type, subject, not_before, not_after,
          certificate, issued_at, delivery, revoked_at, revocation_reason, renewal_requested_at)
        VALUES (@serialNumber, @stationId, @csrId, @certificateType, @subject, @notBefore, @notAfter, @certificate, @issuedAt, @delivery,
          @revokedAt, @revocationReason, @renewalRequestedAt)`),
      get: db.prepare(`SELECT ${columns} FROM issued_certificates WHERE serial_number = ?`),
      forStation: db.prepare(`SELECT ${columns} FROM issued_certificates WHERE station_id = ? ORDER BY issued_at DESC, serial_number LIMIT ?`),
      delivery: db.prepare('UPDATE issued_certificates SET delivery = ? WHERE serial_number = ?'),
      revoke: db.prepare('UPDATE issued_certificates SET revoked_at = ?, revocation_reason = ? WHERE serial_number = ? AND revoked_at IS NULL'),
      renewalRequested: db.prepare('UPDATE issued_certificates SET renewal_requested_at = ? WHERE serial_number = ?'),
      // Per station, its newest certificate in use (accepted, not revoked): the one renewal is about.
      current: db.prepare(`SELECT ${columns} FROM issued_certificates c WHERE delivery = 'accepted' AND revoked_at IS NULL
        AND issued_at = (SELECT MAX(issued_at) FROM issued_certificates d WHERE d.station_id = c.station_id AND d.delivery = 'accepted' AND d.revoked_at IS NULL)`),
      revoked: db.prepare('SELECT serial_number AS serialNumber FROM issued_certificates WHERE revoked_at IS NOT NULL'),
    };
  }

  insert(cert: IssuedCertificate): void {
    this.s.insert.run(cert);
  }

  get(serialNumber: string): IssuedCertificate | undefined {
    return this.s.get.get(serialNumber) as IssuedCertificate | undefined;
  }

  forStation(stationId: string, limit = 100): IssuedCertificate[] {
    return this.s.forStation.all(stationId, limit) as IssuedCertificate[];
  }

  setDelivery(serialNumber: string, delivery: IssuedCertificate['delivery']): void {
    this.s.delivery.run(delivery, serialNumber);
  }

  /** Returns whether it was revoked now (false: unknown or revoked before). */
  revoke(serialNumber: string, at: string, reason: string | null): boolean {
    return this.s.revoke.run(at, reason, serialNumber).changes > 0;
  }

  renewalRequested(serialNumber: string, at: string): void {
    this.s.renewalRequested.run(at, serialNumber);
  }

  currentPerStation(): IssuedCertificate[] {
    return this.s.current.all() as IssuedCertificate[];
  }

  revokedSerials(): string[] {
    return (this.s.revoked.all() as Array<{ serialNumber: string }>).map((r) => r.serialNumber);
  }
}
