import type { ConnectorStatus, Station } from './station.ts';
import type { Transaction } from './transaction.ts';

/** Domain events, as seen by the UI's live stream and (later) webhooks. */
export type DomainEvent =
  | { type: 'station.updated'; data: Station }
  | { type: 'transaction.started' | 'transaction.updated' | 'transaction.ended'; data: Transaction }
  | { type: 'station.warning'; data: { stationId: string; kind: string; message: string; at: string } }
  | {
      type: 'connector.updated';
      data: { stationId: string; evseId: number; connectorId: number; status: ConnectorStatus; errorCode: string | null };
    };

export type Listener = (event: DomainEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber (e.g. a closed HTTP stream) must not break the others or the caller.
      }
    }
  }
}
