// The server-sent event stream at /api/v1/events, with automatic reconnection.
//
// The browser's EventSource retries by itself after a dropped connection, but gives up for good
// when the server answers with an error status; then we open a new one with a growing delay.
// `onOpen` fires on every (re)connection so the caller can re-fetch what it may have missed.

import type { ConnectorUpdate, Station } from './station-types.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export type LiveEvent =
  | { type: 'station.updated'; station: Station }
  | { type: 'connector.updated'; update: ConnectorUpdate };

export interface LiveEventHandlers {
  onStateChange(state: StreamState): void;
  onOpen(): void;
  onEvent(event: LiveEvent): void;
}

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10000];

/** Opens the stream; returns a function that closes it for good. */
export function openLiveEvents(url: string, handlers: LiveEventHandlers): () => void {
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  const connect = () => {
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => {
      failures = 0;
      handlers.onStateChange('live');
      handlers.onOpen();
    });
    es.addEventListener('error', () => {
      if (closed || source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
        failures += 1;
        retryTimer = setTimeout(connect, delay);
      }
      handlers.onStateChange('reconnecting');
    });
    es.addEventListener('station.updated', (event) => {
      const station = parseData<Station>(event);
      if (station) handlers.onEvent({ type: 'station.updated', station });
    });
    es.addEventListener('connector.updated', (event) => {
      const update = parseData<ConnectorUpdate>(event);
      if (update) handlers.onEvent({ type: 'connector.updated', update });
    });
  };

  handlers.onStateChange('connecting');
  connect();

  return () => {
    closed = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}

function parseData<T>(event: Event): T | undefined {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    console.warn(`Ignoring a malformed "${event.type}" event`);
    return undefined;
  }
}
