import type { MeterSample } from '../../domain/meter.ts';
import { ByteBatchReader, NUMBER_ROOM, stringRoom, type ByteBatchWriter } from '../worker/byte-batch.ts';

// One write as it travels to the meter-value thread (byte-batch.ts): its id, station, EVSE, transaction (or null)
// and number of samples, then each sample's fields in MeterSample's order.

/** The most `encodeWrite` can take of a batch. */
export function writeRoom(stationId: string, samples: readonly MeterSample[]): number {
  let room = 4 * NUMBER_ROOM + stringRoom(stationId);
  for (const s of samples) {
    room += stringRoom(s.timestamp) + stringRoom(s.measurand) + stringRoom(s.phase) + stringRoom(s.location) + stringRoom(s.context) + stringRoom(s.unit);
    room += NUMBER_ROOM + stringRoom(s.rawValue) + stringRoom(s.rawUnit) + stringRoom(s.signedData);
  }
  return room;
}

/** Appends one write to `out`, which has room for it (writeRoom). */
export function encodeWrite(out: ByteBatchWriter, id: number, stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): void {
  out.number(id);
  out.string(stationId);
  out.number(evseId);
  out.number(transactionId);
  out.number(samples.length);
  for (const s of samples) {
    out.string(s.timestamp);
    out.string(s.measurand);
    out.string(s.phase);
    out.string(s.location);
    out.string(s.context);
    out.string(s.unit);
    out.number(s.value);
    out.string(s.rawValue);
    out.string(s.rawUnit);
    out.string(s.signedData);
  }
}

export interface DecodedWrite {
  id: number;
  stationId: string;
  evseId: number;
  transactionId: number | null;
  samples: MeterSample[];
}

export function decodeWrites(bytes: ArrayBuffer, length: number): DecodedWrite[] {
  const writes: DecodedWrite[] = [];
  for (const r = new ByteBatchReader(bytes, length); !r.done; ) {
    const id = r.number()!, stationId = r.string()!, evseId = r.number()!, transactionId = r.number();
    const count = r.number()!;
    const samples: MeterSample[] = [];
    for (let n = 0; n < count; n++) {
      samples.push({
        timestamp: r.string()!, measurand: r.string()!, phase: r.string(), location: r.string(), context: r.string(), unit: r.string(),
        value: r.number(), rawValue: r.string()!, rawUnit: r.string(), signedData: r.string(),
      });
    }
    writes.push({ id, stationId, evseId, transactionId, samples });
  }
  return writes;
}
