// Loads data and reloads it every few seconds while the page is shown (live enough for detail pages,
// and it cannot miss an event across a reconnect).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api.ts';

export interface Polled<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

export function usePoll<T>(load: () => Promise<T>, deps: unknown[], intervalMs = 2000): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(() => {
    const mine = generation.current;
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
      },
      (e: unknown) => {
        if (mine === generation.current) setError(describeError(e));
      },
    );
  }, []);

  useEffect(() => {
    generation.current += 1;
    setData(undefined);
    reload();
    if (intervalMs <= 0) return;
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, deps);

  return { data, error, reload };
}
