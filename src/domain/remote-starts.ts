/**
 * Remote starts the station accepted but has not begun yet (e.g. the cable is not plugged in). Each expires
 * after a timeout so a start that never comes does not hang around, and the operator is told.
 */
export interface PendingRemoteStart {
  stationId: string;
  evseId: number | null;
  idToken: string;
  requestedAt: string;
  expiresAt: string;
}

export class RemoteStartTracker {
  private readonly pending = new Map<string, Array<PendingRemoteStart & { timer: NodeJS.Timeout }>>();
  private readonly onExpire: (start: PendingRemoteStart) => void;

  constructor(onExpire: (start: PendingRemoteStart) => void) {
    this.onExpire = onExpire;
  }

  expect(stationId: string, evseId: number | null, idToken: string, timeoutMs: number): PendingRemoteStart {
    const now = Date.now();
    const entry = { stationId, evseId, idToken, requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + timeoutMs).toISOString() };
    const timer = setTimeout(() => {
      this.remove(stationId, (p) => p.timer === timer);
      this.onExpire(entry);
    }, timeoutMs);
    timer.unref();
    this.pending.set(stationId, [...(this.pending.get(stationId) ?? []), { ...entry, timer }]);
    return entry;
  }

  /** The station started a transaction: settles the matching pending remote start, if any. */
  fulfil(stationId: string, evseId: number, idToken: string | null): PendingRemoteStart | undefined {
    return this.remove(
      stationId,
      (p) => (p.evseId === null || p.evseId === evseId) && (idToken === null || p.idToken.toLowerCase() === idToken.toLowerCase()),
    );
  }

  list(stationId: string): PendingRemoteStart[] {
    return (this.pending.get(stationId) ?? []).map(({ timer: _t, ...p }) => p);
  }

  private remove(stationId: string, match: (p: PendingRemoteStart & { timer: NodeJS.Timeout }) => boolean): PendingRemoteStart | undefined {
    const list = this.pending.get(stationId) ?? [];
    const index = list.findIndex(match);
    if (index < 0) return undefined;
    const [found] = list.splice(index, 1);
    clearTimeout(found!.timer);
    if (list.length === 0) this.pending.delete(stationId);
    const { timer: _t, ...entry } = found!;
    return entry;
  }
}
