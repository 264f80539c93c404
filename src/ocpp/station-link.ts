import type { Payload } from './rpc/frames.ts';
import type { SessionRegistry } from './sessions.ts';
import type { OcppVersion } from './versions.ts';

export class StationOfflineError extends Error {
  constructor(stationId: string) {
    super(`station '${stationId}' is not connected`);
    this.name = 'StationOfflineError';
  }
}

/** Sends OCPP calls to connected stations. Only src/commands and src/ocpp use it; everything else uses commands. */
export class StationLink {
  private readonly sessions: SessionRegistry;

  constructor(sessions: SessionRegistry) {
    this.sessions = sessions;
  }

  isConnected(stationId: string): boolean {
    return this.sessions.get(stationId) !== undefined;
  }

  versionOf(stationId: string): OcppVersion | undefined {
    return this.sessions.get(stationId)?.version;
  }

  /** Validated against the schemas of the station's OCPP version before it is sent. */
  send(stationId: string, action: string, payload: Payload, timeoutMs?: number): Promise<Payload> {
    const session = this.sessions.get(stationId);
    if (!session) return Promise.reject(new StationOfflineError(stationId));
    return session.rpc.call(action, payload, timeoutMs);
  }
}
