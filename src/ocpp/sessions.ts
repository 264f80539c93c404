import type { WebSocket } from 'ws';
import type { RpcConnection } from './rpc/connection.ts';
import type { OcppVersion } from './versions.ts';

/** One live websocket connection of a station. */
export interface StationSession {
  stationId: string;
  version: OcppVersion;
  rpc: RpcConnection;
  socket: WebSocket;
  remoteAddress: string | null;
  connectedAt: Date;
  /** Set by any inbound traffic or pong; cleared by each keepalive visit. */
  alive: boolean;
  /** Which slice of the keepalive period this connection is pinged in (keepalive.ts). */
  keepaliveSlot: number;
}

/** The current session of each connected station. A newer connection replaces an older one. */
export class SessionRegistry {
  private readonly sessions = new Map<string, StationSession>();

  get(stationId: string): StationSession | undefined {
    return this.sessions.get(stationId);
  }

  /** Installs a session and returns the one it replaces, if any. */
  replace(session: StationSession): StationSession | undefined {
    const previous = this.sessions.get(session.stationId);
    this.sessions.set(session.stationId, session);
    return previous;
  }

  /** Removes the session only if it is still the current one; returns whether it was. */
  remove(session: StationSession): boolean {
    if (this.sessions.get(session.stationId) !== session) return false;
    this.sessions.delete(session.stationId);
    return true;
  }

  all(): IterableIterator<StationSession> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }
}
