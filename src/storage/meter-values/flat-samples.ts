import type { MeterSample } from '../../domain/meter.ts';
import { SAMPLE_FIELDS, type FlatSamples } from '../worker/protocol.ts';

/** Appends one write to `out` (see FlatSamples): structured clone copies a flat array far faster than objects. */
export function encodeWrite(out: FlatSamples, id: number, stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): void {
  out.push(id, stationId, evseId, transactionId, samples.length);
  for (const s of samples) {
    out.push(s.timestamp, s.measurand, s.phase ?? null, s.location ?? null, s.context ?? null, s.unit ?? null, s.value ?? null, s.rawValue, s.rawUnit ?? null, s.signedData ?? null);
  }
}

export interface DecodedWrite {
  id: number;
  stationId: string;
  evseId: number;
  transactionId: number | null;
  samples: MeterSample[];
}

export function decodeWrites(flat: FlatSamples): DecodedWrite[] {
  const writes: DecodedWrite[] = [];
  let i = 0;
  while (i < flat.length) {
    const id = flat[i] as number, stationId = flat[i + 1] as string, evseId = flat[i + 2] as number, transactionId = flat[i + 3] as number | null;
    const count = flat[i + 4] as number;
    i += 5;
    const samples: MeterSample[] = [];
    for (let n = 0; n < count; n++, i += SAMPLE_FIELDS) {
      samples.push({
        timestamp: flat[i] as string, measurand: flat[i + 1] as string, phase: flat[i + 2] as string | null, location: flat[i + 3] as string | null,
        context: flat[i + 4] as string | null, unit: flat[i + 5] as string | null, value: flat[i + 6] as number | null, rawValue: flat[i + 7] as string,
        rawUnit: flat[i + 8] as string | null, signedData: flat[i + 9] as string | null,
      });
    }
    writes.push({ id, stationId, evseId, transactionId, samples });
  }
  return writes;
}
