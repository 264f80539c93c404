import type { Database } from 'better-sqlite3';
import type { MeterSample } from '../../domain/meter.ts';

/**
 * Stores one EVSE's samples, each once: a charger re-sends readings it never saw answered. A reading newer than
 * the EVSE's newest stored one cannot be stored yet (almost every reading); only older ones are looked up.
 * Runs on whichever connection writes meter_values (the meter-value thread's in the appliance).
 */
export class MeterValuesWriter {
  private readonly s;
  /** Per EVSE ("evseId stationId"): the newest stored sample's timestamp ('' for none). */
  private readonly newestSampleAt = new Map<string, string>();

  constructor(db: Database) {
    this.s = {
      // Positional parameters: binding 13 named ones per row costs more than the insert.
      insert: db.prepare(`INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context,
          unit, value, raw_value, raw_unit, signed_data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      newestSampleAt: db.prepare('SELECT MAX(timestamp) FROM meter_values WHERE station_id = ? AND evse_id = ?').pluck(),
      sameReading: db.prepare(`SELECT 1 FROM meter_values WHERE station_id = ? AND evse_id = ? AND timestamp = ? AND measurand = ?
          AND COALESCE(phase, '') = ? AND COALESCE(location, '') = ? AND COALESCE(context, '') = ? LIMIT 1`).pluck(),
    };
  }

  /** Inside a transaction of the caller's. */
  insert(stationId: string, evseId: number, transactionId: number | null, samples: readonly MeterSample[]): void {
    const key = `${evseId} ${stationId}`;
    let newest = this.newestSampleAt.get(key);
    if (newest === undefined) newest = (this.s.newestSampleAt.get(stationId, evseId) as string | null) ?? '';
    const storedNow = new Set<string>();
    let latest = newest;
    for (const s of samples) {
      const phase = s.phase ?? null, location = s.location ?? null, context = s.context ?? null;
      if (s.timestamp <= newest) {
        if (this.s.sameReading.get(stationId, evseId, s.timestamp, s.measurand, phase ?? '', location ?? '', context ?? '') !== undefined) continue;
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
