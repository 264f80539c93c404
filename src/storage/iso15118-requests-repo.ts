import type { Iso15118Request } from '../domain/iso15118.ts';
import type { Db } from './database.ts';

type Row = Omit<Iso15118Request, 'request'> & { request: string };

const columns = `id, station_id AS stationId, action, request, status, reason_code AS reasonCode, reason, answered_by AS answeredBy, received_at AS receivedAt`;

/** ISO 15118 certificate requests stations made (Get15118EVCertificate, GetCertificateStatus) and Ampyard's answers. */
export class Iso15118RequestsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO iso15118_requests (station_id, action, request, status, reason_code, reason, answered_by, received_at)
        VALUES (@stationId, @action, @request, @status, @reasonCode, @reason, @answeredBy, @receivedAt)`),
      get: db.prepare(`SELECT ${columns} FROM iso15118_requests WHERE id = ?`),
      list: db.prepare(`SELECT ${columns} FROM iso15118_requests WHERE station_id = ? ORDER BY id DESC LIMIT ?`),
    };
  }

  insert(entry: Omit<Iso15118Request, 'id'>): Iso15118Request {
    const id = Number(this.s.insert.run({ ...entry, request: JSON.stringify(entry.request) }).lastInsertRowid);
    return this.toRequest(this.s.get.get(id) as Row);
  }

  list(stationId: string, limit: number): Iso15118Request[] {
    return (this.s.list.all(stationId, limit) as Row[]).map((row) => this.toRequest(row));
  }

  private toRequest(row: Row): Iso15118Request {
    return { ...row, request: JSON.parse(row.request) as Record<string, unknown> };
  }
}
