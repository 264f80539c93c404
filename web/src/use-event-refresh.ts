// Calls `refresh` soon after any of the given domain events arrives on /api/v1/events (a burst of
// events causes one refresh). All pages share one EventSource, opened while any page listens, so
// the browser's per-host connection limit is not used up; callers still poll slowly as a fallback.
import { useEffect, useRef } from 'preact/hooks';
import { EVENTS_URL } from './api.ts';

const DEBOUNCE_MS = 150;

type Listener = (type: string, data: unknown) => void;

const listeners = new Set<Listener>();
const boundTypes = new Set<string>();
let source: EventSource | null = null;

function subscribe(types: string[], listener: Listener): () => void {
  if (!source) source = new EventSource(EVENTS_URL);
  const es = source;
  for (const type of types) {
    if (boundTypes.has(type)) continue;
    boundTypes.add(type);
    es.addEventListener(type, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const l of listeners) l(type, data);
    });
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source === es) {
      es.close();
      source = null;
      boundTypes.clear();
    }
  };
}

export function useEventRefresh(types: string[], refresh: () => void, accept: (data: unknown) => boolean = () => true): void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const acceptRef = useRef(accept);
  acceptRef.current = accept;
  const key = types.join(',');

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe(types, (type, data) => {
      if (!types.includes(type) || !acceptRef.current(data)) return;
      clearTimeout(timer);
      timer = setTimeout(() => refreshRef.current(), DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [key]);
}

/** Events that carry `stationId` (or are the station itself, with `id`) for one station. */
export function forStation(stationId: string): (data: unknown) => boolean {
  return (data) => {
    const d = data as { stationId?: unknown; id?: unknown } | null;
    return d?.stationId === stationId || d?.id === stationId;
  };
}

/** Calls `onEvent` with the data of each of the given domain events as it arrives (no debounce). */
export function useEvents(types: string[], onEvent: (type: string, data: unknown) => void): void {
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const key = types.join(',');
  useEffect(() => subscribe(types, (type, data) => {
    if (types.includes(type)) onEventRef.current(type, data);
  }), [key]);
}
