import type { MeterSample } from '../domain/meter.ts';
import { addReading, isRegisterReading, summariseRegister, type RegisterSummary } from '../domain/meter.ts';

interface Run {
  /** Readings stamped before this are outside the session's window (see TransactionsRepo.sessionWindow). */
  from: string;
  lastAt: string;
  summary: RegisterSummary;
}

/**
 * The energy register readings of sessions started by this process, summarised as they are stored, so that
 * ending a session need not read them all back (at stop, that read was the costliest write on the event loop).
 * It holds only what the read would find: readings stored in time order, within the session's window. Anything
 * else (an older or repeated timestamp, a reading stamped before the window, a session from before a restart)
 * makes `summary` answer undefined, and the readings are read from the meter-value file as before.
 */
export class SessionRegisters {
  /** null: no longer tracked (see above). */
  private readonly runs = new Map<number, Run | null>();

  /** A session this process started, with its window's lower bound; it has no stored readings yet. */
  begin(id: number, from: string): void {
    this.runs.set(id, { from, lastAt: '', summary: summariseRegister([]) });
  }

  /** Samples of the session that are now durable (call only after they are). */
  stored(id: number, samples: readonly MeterSample[]): void {
    const run = this.runs.get(id);
    if (!run) return;
    for (const s of samples) {
      if (!isRegisterReading(s)) continue;
      if (s.timestamp <= run.lastAt || s.timestamp < run.from) {
        this.runs.set(id, null);
        return;
      }
      run.lastAt = s.timestamp;
      addReading(run.summary, s.value!);
    }
  }

  /** The session's stored readings summarised, or undefined when they must be read. */
  summary(id: number): RegisterSummary | undefined {
    const summary = this.runs.get(id)?.summary;
    return summary && { ...summary };
  }

  forget(id: number): void {
    this.runs.delete(id);
  }
}
