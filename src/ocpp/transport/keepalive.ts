import type { StationSession } from '../sessions.ts';

/** How finely a keepalive period is divided: a slice every 250 ms (4 a second), at most this many. */
const MAX_SLICES = 120;
const MIN_SLICE_MS = 250;

/**
 * Pings every connection once per keepalive period and ends one that answered nothing (no pong, no message)
 * over a whole period. The pings are spread over the period: each connection gets a slice when it connects,
 * and each tick visits one slice. Pinging 5,000 connections in one turn held the event loop ~70 ms, and their
 * pongs came back in one burst after it; every charger's messages waited behind both. One slice a second still
 * took 3-9 ms at 5,000 connections (167 pings) near capacity; a quarter second keeps each tick to ~42.
 */
export class KeepaliveSweep {
  readonly slices: number;
  private readonly timer: NodeJS.Timeout;
  private nextSlot = 0;
  private tick = 0;

  constructor(periodMs: number, sessions: () => Iterable<StationSession>, onDead: (session: StationSession) => void) {
    this.slices = Math.max(1, Math.min(MAX_SLICES, Math.floor(periodMs / MIN_SLICE_MS)));
    this.timer = setInterval(() => this.visit(sessions(), onDead), periodMs / this.slices);
    this.timer.unref();
  }

  /** The slice a new connection is visited in; round robin keeps the slices even. */
  assignSlot(): number {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.slices;
    return slot;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private visit(sessions: Iterable<StationSession>, onDead: (session: StationSession) => void): void {
    const slot = this.tick;
    this.tick = (slot + 1) % this.slices;
    for (const session of sessions) {
      if (session.keepaliveSlot !== slot) continue;
      if (!session.alive) {
        onDead(session);
        continue;
      }
      session.alive = false;
      try {
        session.socket.ping();
      } catch {
        onDead(session);
      }
    }
  }
}
