import type { EvseAllocation } from '../core/index.ts';

export interface Sent {
  allocation: EvseAllocation;
  /** When it was sent, or (confirmed) acknowledged. */
  at: number;
  seq: number;
}

/**
 * What one session's station has been told and what it acknowledged, to know what it may be drawing now:
 * a reduction counts at the old value until acknowledged and followed; an unanswered command may or may not be
 * in force, so the higher of it and the last confirmed value counts.
 */
export class SessionCommands {
  readonly sessionId: string;
  readonly stationId: string;
  readonly evseId: number;
  readonly transactionId: number;
  confirmed: Sent | undefined;
  /** The confirmed value before a confirmed reduction, counted until `followUntil` (the EV follows within seconds). */
  before: Sent | undefined;
  followUntil = 0;
  readonly inFlight = new Map<number, Sent & { reduction: boolean }>();
  /** The latest command that got no acknowledgement (timeout, error, refusal): re-sent, and assumed in force. */
  failed: (Sent & { why: string }) | undefined;
  /** The station reconnected or rebooted: send the allocation again even if it did not change. */
  stale = false;
  private lastSeq = 0;

  constructor(sessionId: string, stationId: string, evseId: number, transactionId: number) {
    this.sessionId = sessionId;
    this.stationId = stationId;
    this.evseId = evseId;
    this.transactionId = transactionId;
  }

  /** The last value told, whether or not it was acknowledged. */
  lastTold(): Sent | undefined {
    let latest: Sent | undefined = this.confirmed;
    for (const s of [this.failed, ...this.inFlight.values()]) if (s && (!latest || s.seq > latest.seq)) latest = s;
    return latest;
  }

  sending(allocation: EvseAllocation, reduction: boolean, now: number): number {
    const seq = ++this.lastSeq;
    // What the station is told is all it may draw under this command (the core may have reserved more for it).
    this.inFlight.set(seq, { allocation: { ...allocation, reservedA: allocation.currentA }, at: now, seq, reduction });
    return seq;
  }

  hasReductionInFlight(): boolean {
    for (const s of this.inFlight.values()) if (s.reduction) return true;
    return false;
  }

  accepted(seq: number, now: number, followMs: number): void {
    const sent = this.inFlight.get(seq);
    this.inFlight.delete(seq);
    if (!sent || (this.confirmed && this.confirmed.seq > seq)) return;
    const previous = this.confirmed;
    this.confirmed = { allocation: sent.allocation, at: now, seq };
    if (previous && weight(sent.allocation) < weight(previous.allocation)) {
      this.before = previous;
      this.followUntil = now + followMs;
    }
    if (this.failed && this.failed.seq <= seq) this.failed = undefined;
    this.stale = false;
  }

  rejected(seq: number, why: string): void {
    const sent = this.inFlight.get(seq);
    this.inFlight.delete(seq);
    if (!sent || seq < this.lastSeq || (this.confirmed && this.confirmed.seq > seq)) return;
    this.failed = { ...sent, why };
  }

  /** Everything the EVSE may still be drawing under, the highest reservation first. */
  mayDraw(now: number): EvseAllocation | undefined {
    const candidates: EvseAllocation[] = [];
    if (this.confirmed) candidates.push(this.confirmed.allocation);
    if (this.before && now < this.followUntil) candidates.push(this.before.allocation);
    if (this.failed) candidates.push(this.failed.allocation);
    for (const s of this.inFlight.values()) candidates.push(s.allocation);
    let worst: EvseAllocation | undefined;
    for (const a of candidates) if (!worst || weight(a) > weight(worst)) worst = a;
    return worst;
  }

  /** The highest per-phase current the station may have been told and be applying now (for the core's worst case). */
  worstA(now: number): number {
    return this.mayDraw(now)?.currentA ?? 0;
  }
}

/** Current over all reserved phases: what an EVSE takes out of the circuits. */
export const weight = (a: EvseAllocation) => a.reservedA * Math.max(1, a.evsePhases.length);

export const sameCommand = (a: EvseAllocation, b: EvseAllocation) =>
  a.currentA === b.currentA && a.limit === b.limit && a.unit === b.unit && a.phasesToUse === b.phasesToUse;
