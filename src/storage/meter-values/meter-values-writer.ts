import type { Database } from 'better-sqlite3';
import type { MeterSample } from '../../domain/meter.ts';
import { AFTER_EVERY_TIMESTAMP, meterBucketIs, meterBucketsBetween } from './meter-values-file.ts';

const BUCKETS = meterBucketsBetween('@from', '@to');

/**
 * Stores one EVSE's samples, each once: a charger re-sends readings it never saw answered. A reading newer than
 * the EVSE's newest stored one cannot be stored yet (almost every reading); only older ones are looked up. The
 * newest stored one is first looked for among samples stamped no earlier than the message's oldest: anything
 * older does not matter to it.
 * Runs on whichever connection writes meter_values (the meter-value thread's in the appliance).
 */
export class MeterValuesWriter {
  private readonly s;
  /** Per EVSE ("evseId stationId"): the newest stored sample's timestamp ('' for none, or none that matters). */
  private readonly newestSampleAt = new Map<string, string>();

  constructor(db: Database) {
    this.s = {
      // Positional parameters: binding 13 named ones per row costs more than the insert.
      insert: db.prepare(`INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context,
          unit, value, raw_value, raw_unit, signed_data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      newestSampleAt: db.prepare(`WITH b(n) AS (${BUCKETS}) SELECT MAX(m.timestamp) FROM b CROSS JOIN meter_values m
          ON ${meterBucketIs('m', 'b.n')} AND m.station_id = @station AND m.evse_id = @evse AND m.timestamp >= @from`).pluck(),
      sameReading: db.prepare(`WITH b(n) AS (${BUCKETS}) SELECT 1 FROM b CROSS JOIN meter_values m
          ON ${meterBucketIs('m', 'b.n')} AND m.station_id = @station AND m.evse_id = @evse AND m.timestamp = @from
          AND m.measurand = @measurand AND COALESCE(m.phase, '') = @phase AND COALESCE(m.location, '') = @location
          AND COALESCE(m.context, '') = @context LIMIT 1`).pluck(),
    };
  }

  /** Inside a transaction of the caller's. */
  insert(stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): void {
    const key = `${evseId} ${stationId}`;
    let newest = this.newestSampleAt.get(key);
    if (newest === undefined) {
      const oldest = samples.reduce((min, s) => (s.timestamp < min ? s.timestamp : min), AFTER_EVERY_TIMESTAMP);
      newest = (this.s.newestSampleAt.get({ station: stationId, evse: evseId, from: oldest, to: AFTER_EVERY_TIMESTAMP }) as string | null) ?? '';
    }
    const storedNow = new Set<string>();
    let latest = newest;
    for (const s of samples) {
      const phase = s.phase ?? null, location = s.location ?? null, context = s.context ?? null;
      if (s.timestamp <= newest) {
        const reading = { station: stationId, evse: evseId, from: s.timestamp, to: s.timestamp, measurand: s.measurand, phase: phase ?? '', location: location ?? '', context: context ?? '' };
        if (this.s.sameReading.get(reading) !== undefined) continue;
      } else {
        // Readings newer than every stored one can still repeat within this message.
        const identity = `${s.timestamp} ${s.measurand} ${phase} ${location} ${context}`;
        if (storedNow.has(identity)) continue;
        storedNow.add(identity);
      }
      this.s.insert.run(stationId, evseId, transactionId, s.timestamp, s.measurand, phase, location, context, s.unit ?? null,
        s.value ?? null, s.rawValue ?? null, s.rawUnit ?? null, s.signedData ?? null);
      if (s.timestamp > latest) latest = s.timestamp;
    }
    // Kept even if the write is rolled back: it only sends more readings through the look-up, which stays correct.
    this.newestSampleAt.set(key, latest);
  }
}
