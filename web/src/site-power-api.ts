// Site power (GET /api/v1/site/power-history, the `site.power` event) and the load balancer's allocations.
import { request } from './api.ts';

/** One sample of site power, as streamed every few seconds. */
export interface SitePowerSample {
  at: string;
  powerW: number;
  chargersW: number;
  /** Current per grid phase L1, L2, L3. */
  phaseA: number[];
  limitA: number[] | null;
  limitW: number | null;
  buildingW: number | null;
}

/** Columns of equal length; `t` in seconds since the epoch. */
export interface SitePowerHistory {
  step: number;
  t: number[];
  powerW: number[];
  limitW: (number | null)[];
  buildingW: (number | null)[];
  latest: SitePowerSample | null;
}

export function fetchPowerHistory(hours: number): Promise<SitePowerHistory> {
  const to = Date.now();
  const from = new Date(to - hours * 3_600_000).toISOString();
  return request<SitePowerHistory>('GET', `/site/power-history?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(to + 60_000).toISOString())}`);
}

export interface AllocatedSession {
  stationId: string;
  evseId: number;
  transactionId: number;
  vehicle: { id: string; name: string } | null;
  idToken: string | null;
  projectedReadyAt: string | null;
  atRisk: boolean;
  shortfallKwh: number;
  reason: string;
}

export function fetchAllocations(): Promise<{ enabled: boolean; evses: AllocatedSession[] }> {
  return request('GET', '/site/allocations');
}
