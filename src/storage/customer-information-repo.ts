import type { Db } from './database.ts';

export interface CustomerInformationPart {
  seqNo: number;
  data: string;
  generatedAt: string;
  receivedAt: string;
}

export class CustomerInformationRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO customer_information_parts (station_id, request_id, seq_no, data, generated_at, received_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET data = excluded.data, generated_at = excluded.generated_at, received_at = excluded.received_at`),
      parts: db.prepare(`SELECT seq_no AS seqNo, data, generated_at AS generatedAt, received_at AS receivedAt FROM customer_information_parts
        WHERE station_id = ? AND request_id = ? ORDER BY seq_no`),
    };
  }

  insert(stationId: string, requestId: number, part: CustomerInformationPart): void {
    this.s.insert.run(stationId, requestId, part.seqNo, part.data, part.generatedAt, part.receivedAt);
  }

  parts(stationId: string, requestId: number): CustomerInformationPart[] {
    return this.s.parts.all(stationId, requestId) as CustomerInformationPart[];
  }
}
