// The last 24 h of site power, loaded once and extended by each live `site.power` sample (no reloads).
import { useEffect, useState } from 'preact/hooks';
import { describeError } from './api.ts';
import { fetchPowerHistory, type SitePowerHistory, type SitePowerSample } from './site-power-api.ts';
import { useEvents } from './use-event-refresh.ts';

export const WINDOW_HOURS = 24;

export interface SitePowerSeries {
  t: number[];
  powerW: (number | null)[];
  limitW: (number | null)[];
  buildingW: (number | null)[];
}

export interface SitePowerState {
  series: SitePowerSeries | undefined;
  latest: SitePowerSample | null;
  error: string | null;
}

/** A gap of more than two steps breaks the line (a null point), rather than drawing across hours without data. */
function withGaps(h: SitePowerHistory): SitePowerSeries {
  const out: SitePowerSeries = { t: [], powerW: [], limitW: [], buildingW: [] };
  h.t.forEach((t, i) => {
    const previous = h.t[i - 1];
    if (previous !== undefined && t - previous > 2 * h.step) {
      out.t.push(previous + h.step);
      out.powerW.push(null);
      out.limitW.push(null);
      out.buildingW.push(null);
    }
    out.t.push(t);
    out.powerW.push(h.powerW[i]!);
    out.limitW.push(h.limitW[i]!);
    out.buildingW.push(h.buildingW[i]!);
  });
  return out;
}

/** A live sample appended (a copy: the chart sees new arrays), dropping what left the window. */
function appended(s: SitePowerSeries, sample: SitePowerSample): SitePowerSeries {
  const t = Date.parse(sample.at) / 1000;
  const last = s.t[s.t.length - 1];
  if (last !== undefined && t <= last) return s;
  const keepFrom = s.t.findIndex((x) => x >= t - WINDOW_HOURS * 3600);
  const cut = <T>(xs: T[], x: T) => [...xs.slice(Math.max(0, keepFrom)), x];
  return { t: cut(s.t, t), powerW: cut(s.powerW, sample.powerW), limitW: cut(s.limitW, sample.limitW), buildingW: cut(s.buildingW, sample.buildingW) };
}

export function useSitePower(): SitePowerState {
  const [state, setState] = useState<SitePowerState>({ series: undefined, latest: null, error: null });
  useEffect(() => {
    let live = true;
    fetchPowerHistory(WINDOW_HOURS).then(
      (h) => live && setState((s) => ({ series: withGaps(h), latest: s.latest ?? h.latest, error: null })),
      (e: unknown) => live && setState((s) => ({ ...s, error: describeError(e) })),
    );
    return () => {
      live = false;
    };
  }, []);
  useEvents(['site.power'], (_type, data) => {
    const sample = data as SitePowerSample;
    setState((s) => ({ ...s, latest: sample, series: s.series && appended(s.series, sample) }));
  });
  return state;
}
