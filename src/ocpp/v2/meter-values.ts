import { normaliseSample, type MeterSample } from '../../domain/meter.ts';
import { list, num, obj, text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

/** OCPP 2.x MeterValue[] → neutral samples. `unitOfMeasure.multiplier` is a power of ten; signed values kept raw. */
export function samplesFrom2x(meterValues: unknown): MeterSample[] {
  const samples: MeterSample[] = [];
  for (const mv of list(meterValues)) {
    const timestamp = normalizeTimestamp(mv['timestamp']);
    for (const sv of list(mv['sampledValue'])) {
      const unit = obj(sv['unitOfMeasure']);
      const multiplier = num(unit['multiplier']) ?? 0;
      const value = num(sv['value']) ?? NaN;
      const signed = sv['signedMeterValue'] === undefined ? null : JSON.stringify(sv['signedMeterValue']);
      const sample = normaliseSample({
        timestamp,
        measurand: text(sv['measurand']) ?? undefined,
        phase: text(sv['phase']) ?? undefined,
        location: text(sv['location']) ?? undefined,
        context: text(sv['context']) ?? undefined,
        unit: text(unit['unit']) ?? undefined,
        value: String(multiplier === 0 ? value : value * 10 ** multiplier),
      });
      // The reading stays readable next to its signature in 2.x (unlike 1.6's SignedData, which replaces it).
      samples.push({ ...sample, rawValue: String(value), signedData: signed });
    }
  }
  return samples;
}
