import { ByteBatchReader, stringRoom, type ByteBatchWriter } from './worker/byte-batch.ts';

// One message-log row as it travels to the storage thread (byte-batch.ts): station, time, direction, message
// type, message id, action (or null) and the frame, all strings, in this order.

export interface LogRow {
  stationId: string;
  at: string;
  direction: 'in' | 'out';
  messageType: string;
  messageId: string;
  action: string | null;
  payload: string;
}

/** The most `encodeLogRow` can take of a batch. */
export function logRowRoom(row: LogRow): number {
  return stringRoom(row.stationId) + stringRoom(row.at) + stringRoom(row.direction) + stringRoom(row.messageType) + stringRoom(row.messageId) + stringRoom(row.action) + stringRoom(row.payload);
}

/** Appends one row to `out`, which has room for it (logRowRoom). */
export function encodeLogRow(out: ByteBatchWriter, row: LogRow): void {
  out.string(row.stationId);
  out.string(row.at);
  out.string(row.direction);
  out.string(row.messageType);
  out.string(row.messageId);
  out.string(row.action);
  out.string(row.payload);
}

/** Calls `each` with every row of a batch, in order (no object per row: the storage thread inserts thousands a second). */
export function forEachLogRow(
  bytes: ArrayBuffer,
  length: number,
  each: (stationId: string, at: string, direction: string, messageType: string, messageId: string, action: string | null, payload: string) => void,
): void {
  for (const r = new ByteBatchReader(bytes, length); !r.done; ) each(r.string()!, r.string()!, r.string()!, r.string()!, r.string()!, r.string(), r.string()!);
}
