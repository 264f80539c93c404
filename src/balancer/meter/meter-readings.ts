import type { PerPhase } from '../core/index.ts';

export interface MeterReading {
  circuitId: string;
  /** Per grid phase, as the meter measured it. */
  currentA: PerPhase;
  powerW: PerPhase | number | null;
  measuredAt: number;
  source: 'push' | 'modbus';
}

export interface MeterStatus {
  circuitId: string;
  lastReading: MeterReading | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** The latest reading of each circuit's meter (pushed through the API or polled over Modbus), in memory. */
export class MeterReadings {
  private readonly readings = new Map<string, MeterReading>();
  private readonly errors = new Map<string, { message: string; at: number }>();
  private readonly listeners = new Set<(reading: MeterReading, previous: MeterReading | undefined) => void>();

  record(reading: MeterReading): void {
    const previous = this.readings.get(reading.circuitId);
    if (previous && previous.measuredAt > reading.measuredAt) return;
    this.readings.set(reading.circuitId, reading);
    this.errors.delete(reading.circuitId);
    for (const listener of this.listeners) listener(reading, previous);
  }

  failed(circuitId: string, message: string, at = Date.now()): void {
    this.errors.set(circuitId, { message, at });
  }

  latest(circuitId: string): MeterReading | undefined {
    return this.readings.get(circuitId);
  }

  all(): MeterReading[] {
    return [...this.readings.values()];
  }

  status(circuitId: string): MeterStatus {
    const error = this.errors.get(circuitId);
    return { circuitId, lastReading: this.readings.get(circuitId) ?? null, lastError: error?.message ?? null, lastErrorAt: error?.at ?? null };
  }

  /** Forget a circuit that no longer has this meter. */
  forget(circuitId: string): void {
    this.readings.delete(circuitId);
    this.errors.delete(circuitId);
  }

  onReading(listener: (reading: MeterReading, previous: MeterReading | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
