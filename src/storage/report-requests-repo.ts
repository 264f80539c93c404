import type { Db } from './database.ts';

export type ReportKind = 'monitoring' | 'display-messages' | 'customer-information';

/** A request Ampyard made that a 2.x station answers later in numbered parts (Notify…Report). */
export interface ReportRequest {
  requestId: number;
  kind: ReportKind;
  params: Record<string, unknown>;
  requestedAt: string;
  status: string | null;
  partsReceived: number;
  lastSeqNo: number | null;
  completedAt: string | null;
}

type Row = Omit<ReportRequest, 'params'> & { params: string };

const columns = `request_id AS requestId, kind, params, requested_at AS requestedAt, status, parts_received AS partsReceived,
  last_seq_no AS lastSeqNo, completed_at AS completedAt`;

const toRequest = (row: Row | undefined): ReportRequest | undefined => (row ? { ...row, params: JSON.parse(row.params) as Record<string, unknown> } : undefined);

/** Requests whose answers arrive in parts; shared by monitoring reports, display messages and customer information. */
export class ReportRequestsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      // Request ids are never reused, so a row that exists already holds parts that overtook the station's answer.
      request: db.prepare(`INSERT INTO station_report_requests (station_id, kind, request_id, params, requested_at, status) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET params = excluded.params, requested_at = MIN(requested_at, excluded.requested_at), status = excluded.status`),
      // A part for a request Ampyard did not make (or made before a restore) is kept as an unsolicited report.
      part: db.prepare(`INSERT INTO station_report_requests (station_id, kind, request_id, params, requested_at, parts_received, last_seq_no, completed_at)
          VALUES (@stationId, @kind, @requestId, '{"unsolicited":true}', @at, 1, @seqNo, @completedAt)
        ON CONFLICT DO UPDATE SET parts_received = parts_received + 1, last_seq_no = MAX(COALESCE(last_seq_no, -1), @seqNo),
          completed_at = COALESCE(@completedAt, completed_at)`),
      get: db.prepare(`SELECT ${columns} FROM station_report_requests WHERE station_id = ? AND kind = ? AND request_id = ?`),
      list: db.prepare(`SELECT ${columns} FROM station_report_requests WHERE station_id = ? AND kind = ? ORDER BY requested_at DESC, request_id DESC LIMIT ?`),
    };
  }

  requested(stationId: string, kind: ReportKind, requestId: number, params: Record<string, unknown>, status: string, at: string): void {
    this.s.request.run(stationId, kind, requestId, JSON.stringify(params), at, status);
  }

  /** Records one part; returns the request as it now stands. */
  part(stationId: string, kind: ReportKind, requestId: number, seqNo: number, last: boolean, at: string): ReportRequest {
    this.s.part.run({ stationId, kind, requestId, seqNo, at, completedAt: last ? at : null });
    return this.get(stationId, kind, requestId)!;
  }

  get(stationId: string, kind: ReportKind, requestId: number): ReportRequest | undefined {
    return toRequest(this.s.get.get(stationId, kind, requestId) as Row | undefined);
  }

  list(stationId: string, kind: ReportKind, limit = 50): ReportRequest[] {
    return (this.s.list.all(stationId, kind, limit) as Row[]).map((r) => toRequest(r)!);
  }
}
