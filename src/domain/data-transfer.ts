import type { Db } from '../storage/database.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';

export interface DataTransferRequest {
  stationId: string;
  vendorId: string;
  messageId: string | null;
  data: unknown;
}

export type VendorHandler = (request: DataTransferRequest) => { status: DataTransferStatus; data?: unknown } | Promise<{ status: DataTransferStatus; data?: unknown }>;

/**
 * Vendor-specific DataTransfer. Every message in or out is recorded; a vendor's handler can be plugged in by
 * vendorId, and messages for vendors nobody handles get UnknownVendorId as the spec says.
 */
export class DataTransferService {
  private readonly handlers = new Map<string, VendorHandler>();
  private readonly writes: WriteQueue;
  private readonly insert;
  private readonly list;

  constructor(db: Db, writes: WriteQueue) {
    this.writes = writes;
    this.insert = db.prepare('INSERT INTO data_transfers (station_id, at, direction, vendor_id, message_id, data, status) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.list = db.prepare(`SELECT id, station_id AS stationId, at, direction, vendor_id AS vendorId, message_id AS messageId, data, status
      FROM data_transfers WHERE station_id = ? ORDER BY id DESC LIMIT ?`);
  }

  register(vendorId: string, handler: VendorHandler): void {
    this.handlers.set(vendorId, handler);
  }

  async fromStation(request: DataTransferRequest): Promise<{ status: DataTransferStatus; data?: unknown }> {
    const handler = this.handlers.get(request.vendorId);
    const answer = handler ? await handler(request) : { status: 'UnknownVendorId' as const };
    await this.record(request, 'in', answer.status);
    return answer;
  }

  record(request: DataTransferRequest, direction: 'in' | 'out', status: string | null): Promise<void> {
    const data = request.data === undefined ? null : typeof request.data === 'string' ? request.data : JSON.stringify(request.data);
    return this.writes.run(() => {
      this.insert.run(request.stationId, new Date().toISOString(), direction, request.vendorId, request.messageId, data, status);
    });
  }

  forStation(stationId: string, limit = 100): unknown[] {
    return this.list.all(stationId, limit);
  }
}
