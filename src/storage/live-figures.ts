/** A running session's newest live figures: energy register, power and the time of the sample they came from. */
export interface Figures {
  at: string;
  meterWh: number | null;
  powerW: number | null;
  /** When Ampyard stored them (the row's updated_at). */
  now: string;
}

interface Held extends Figures {
  writtenAtMs: number;
}

interface LiveColumns {
  id: number;
  seqNo?: number | null;
  lastMeterWh?: number | null;
  lastPowerW: number | null;
  lastSampleAt: string | null;
  updatedAt?: string;
}

/**
 * The newest live figures of running sessions, held in memory for the session rows. Chargers send meter values
 * every few seconds per session; rewriting the session's row for each would add a page write at a scattered
 * place in the table to every message, on top of the samples themselves. So a row is written with its first
 * figures, then at most every `writeEveryMs`, and when the session ends; everything that reads sessions gets
 * the newest figures through `apply`. After a crash a row can be up to `writeEveryMs` behind; the samples behind
 * it are stored (acknowledged only once durable) and are what closing a forgotten session reads its register from.
 */
export class LiveFigures {
  private readonly held = new Map<number, Held>();
  /** 2.x: the newest seqNo of sessions whose events changed nothing else (see TransactionService.advance). */
  private readonly seqNos = new Map<number, number>();
  private readonly writeEveryMs: number;

  constructor(options: { writeEveryMs?: number } = {}) {
    this.writeEveryMs = options.writeEveryMs ?? 60_000;
  }

  /**
   * Takes a sample's figures (null: this sample did not have it). Returns the figures to write to the row now, or
   * undefined while the row was written recently (or the sample is older than the newest one).
   */
  record(id: number, at: string, meterWh: number | null, powerW: number | null, now: string, nowMs = performance.now()): Figures | undefined {
    let held = this.held.get(id);
    if (held && held.at > at) return undefined;
    if (held) {
      // Updated in place: a new object per meter value lived until the next one, long enough to be copied into the
      // old generation, where the garbage of 10,000 sessions a second made full collections frequent.
      held.at = at;
      held.meterWh = meterWh ?? held.meterWh;
      held.powerW = powerW ?? held.powerW;
      held.now = now;
    } else this.held.set(id, (held = { at, meterWh, powerW, now, writtenAtMs: -Infinity }));
    if (nowMs - held.writtenAtMs < this.writeEveryMs) return undefined;
    // After its first write, a row's next one comes after a random half to whole period: sessions that started
    // together (every charger back after a power cut) would otherwise all be written again at the same moment.
    held.writtenAtMs = held.writtenAtMs === -Infinity ? nowMs - Math.random() * (this.writeEveryMs / 2) : nowMs;
    // A copy: the write may wait in the queue while later samples update the held figures.
    return { at: held.at, meterWh: held.meterWh, powerW: held.powerW, now: held.now };
  }

  /**
   * A 2.x session's newest seqNo, from an event that changed nothing else in its row. After a crash the row may
   * hold an older one: the next event then looks like a gap, and Ampyard asks the station for the status once.
   */
  recordSeqNo(id: number, seqNo: number): void {
    this.seqNos.set(id, seqNo);
  }

  /** The row was written with its newest seqNo. */
  forgetSeqNo(id: number): void {
    this.seqNos.delete(id);
  }

  /**
   * Brings a session's row up to its newest figures, in place (pass a row of your own: one just read, or a copy;
   * every meter value reads its session, and a copy per step added up), and returns it.
   */
  apply<T extends LiveColumns>(row: T): T {
    const seqNo = this.seqNos.get(row.id);
    if (seqNo !== undefined && row.seqNo !== undefined) row.seqNo = seqNo;
    const figures = this.held.get(row.id);
    if (!figures || (row.lastSampleAt !== null && row.lastSampleAt > figures.at)) return row;
    if (row.lastMeterWh !== undefined) row.lastMeterWh = figures.meterWh ?? row.lastMeterWh;
    row.lastPowerW = figures.powerW ?? row.lastPowerW;
    row.lastSampleAt = figures.at;
    if (row.updatedAt !== undefined && row.updatedAt < figures.now) row.updatedAt = figures.now;
    return row;
  }

  /** Forgets a session (it ended) and returns its newest figures and seqNo, to write with the end. */
  take(id: number): { figures: Figures | undefined; seqNo: number | undefined } {
    const figures = this.held.get(id);
    const seqNo = this.seqNos.get(id);
    this.held.delete(id);
    this.seqNos.delete(id);
    return { figures, seqNo };
  }

  get size(): number {
    return this.held.size;
  }
}
