// Keeps the station list current: loads it from the API, then follows the live event stream.
// On every (re)connection of the stream the list is fetched again; events that arrive while
// that fetch is in flight are replayed on top of its result so nothing is lost.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { approveStation, describeError, EVENTS_URL, fetchStations, rejectStation } from './api.ts';
import { openLiveEvents, type LiveEvent, type StreamState } from './live-events.ts';
import { applyConnectorUpdate, isKnownStation, sortStations, upsertStation } from './station-list.ts';
import type { Station } from './station-types.ts';

const RELOAD_RETRY_MS = 3000;

export type StationAction = 'approve' | 'reject';

export interface LiveStations {
  stations: Station[];
  /** True once the first list has arrived. */
  loaded: boolean;
  stream: StreamState;
  /** Why the last load failed; cleared by the next successful load. */
  loadError: string | null;
  /** Why the last approve/reject failed. */
  actionError: string | null;
  /** Station ids with an approve/reject request in flight. */
  busy: ReadonlyMap<string, StationAction>;
  approve(id: string): void;
  reject(id: string): void;
  dismissActionError(): void;
}

function applyEvent(stations: Station[], event: LiveEvent): Station[] {
  return event.type === 'station.updated'
    ? upsertStation(stations, event.station)
    : applyConnectorUpdate(stations, event.update);
}

export function useLiveStations(): LiveStations {
  const [stations, setStations] = useState<Station[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<ReadonlyMap<string, StationAction>>(new Map());
  const stationsRef = useRef<Station[]>([]);
  stationsRef.current = stations;

  useEffect(() => {
    let generation = 0;
    let pending: LiveEvent[] | null = null; // events received while a load is in flight
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;

    const load = async () => {
      clearTimeout(retryTimer);
      const current = ++generation;
      const replay: LiveEvent[] = [];
      pending = replay;
      try {
        const list = await fetchStations();
        if (disposed || current !== generation) return;
        pending = null;
        setStations(replay.reduce(applyEvent, sortStations(list.items)));
        setLoaded(true);
        setLoadError(null);
      } catch (error) {
        if (disposed || current !== generation) return;
        pending = null;
        setStations((previous) => replay.reduce(applyEvent, previous));
        setLoadError(describeError(error));
        retryTimer = setTimeout(() => void load(), RELOAD_RETRY_MS);
      }
    };

    const closeStream = openLiveEvents(EVENTS_URL, {
      onStateChange: setStream,
      onOpen: () => void load(),
      onEvent: (event) => {
        if (pending) {
          pending.push(event);
          return;
        }
        if (event.type === 'connector.updated' && !isKnownStation(stationsRef.current, event.update.stationId)) {
          void load(); // a station we have not seen yet: fetch it in full
          return;
        }
        setStations((previous) => applyEvent(previous, event));
      },
    });
    void load(); // do not wait for the stream: show the list even if it cannot connect

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      closeStream();
    };
  }, []);

  const run = useCallback((id: string, action: StationAction) => {
    setBusy((previous) => new Map(previous).set(id, action));
    setActionError(null);
    const call = action === 'approve' ? approveStation : rejectStation;
    call(id)
      .then((station) => setStations((previous) => upsertStation(previous, station)))
      .catch((error: unknown) => setActionError(`Could not ${action} ${id}: ${describeError(error)}`))
      .finally(() =>
        setBusy((previous) => {
          const next = new Map(previous);
          next.delete(id);
          return next;
        }),
      );
  }, []);

  return {
    stations,
    loaded,
    stream,
    loadError,
    actionError,
    busy,
    approve: useCallback((id: string) => run(id, 'approve'), [run]),
    reject: useCallback((id: string) => run(id, 'reject'), [run]),
    dismissActionError: useCallback(() => setActionError(null), []),
  };
}
