import type { Payload } from './rpc/frames.ts';
import type { SessionRegistry } from './sessions.ts';

export class StationOfflineError extends Error {
  constructor(stationId: string) {
    super(`station '${stationId}' is not connected`);
    this.name = 'StationOfflineError';
  }
}

export type TriggerableMessage = 'BootNotification' | 'Heartbeat' | 'StatusNotification';

/**
 * Version-neutral commands to stations. Callers (API, balancer) never build OCPP payloads themselves.
 * This is the skeleton's set; the full command set grows with the 1.6 and 2.0.1 issues.
 */
export class StationCommands {
  private readonly sessions: SessionRegistry;

  constructor(sessions: SessionRegistry) {
    this.sessions = sessions;
  }

  isConnected(stationId: string): boolean {
    return this.sessions.get(stationId) !== undefined;
  }

  /** Sends an action as-is (for installers); validated against the station's OCPP version schemas. */
  send(stationId: string, action: string, payload: Payload, timeoutMs?: number): Promise<Payload> {
    const session = this.sessions.get(stationId);
    if (!session) return Promise.reject(new StationOfflineError(stationId));
    return session.rpc.call(action, payload, timeoutMs);
  }

  /** TriggerMessage has the same shape for this set in 1.6 and 2.0.1. */
  trigger(stationId: string, message: TriggerableMessage): Promise<Payload> {
    return this.send(stationId, 'TriggerMessage', { requestedMessage: message });
  }
}
