// Calls for the station detail, sessions, ID tokens and dashboard pages (shapes as in src/domain).
import { request } from './api.ts';
import type { Station } from './station-types.ts';

export interface Page<T> {
  items: T[];
  total?: number;
}

export interface Transaction {
  id: number;
  stationId: string;
  evseId: number;
  connectorId: number;
  idToken: string | null;
  status: 'active' | 'ended';
  startedAt: string;
  endedAt: string | null;
  energyWh: number | null;
  meterStartWh: number | null;
  lastMeterWh: number | null;
  lastPowerW: number | null;
  lastSampleAt: string | null;
  stopReason: string | null;
}

export interface MeterSample {
  timestamp: string;
  measurand: string;
  phase: string | null;
  unit: string | null;
  value: number | null;
}

export interface ConfigItem {
  key: string;
  value: string | null;
  readonly: boolean;
}

export interface LoggedMessage {
  id: number;
  at: string;
  direction: 'in' | 'out';
  messageType: string;
  action: string | null;
  payload: string;
}

export interface Warning {
  id: number;
  at: string;
  kind: string;
  message: string;
}

export interface CommandOutcome {
  status: string;
  response: unknown;
}

export interface IdToken {
  token: string;
  type: string;
  status: 'accepted' | 'blocked' | 'expired' | 'invalid';
  label: string | null;
  groupId: string | null;
  expiresAt: string | null;
}

export interface Alarm {
  id: number;
  stationId: string;
  timestamp: string;
  trigger: string;
  actualValue: string;
  techInfo: string | null;
  component?: string;
  variable?: string;
}

const enc = encodeURIComponent;

export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const fetchStation = (id: string) => request<Station>('GET', `/stations/${enc(id)}`);
export const updateStationQuirks = (id: string, quirks: Record<string, unknown>) => request<Station>('PATCH', `/stations/${enc(id)}`, { body: { quirks } });
export const fetchConfiguration = (id: string) => request<Page<ConfigItem>>('GET', `/stations/${enc(id)}/configuration`);
export const fetchMessages = (id: string, limit = 30) => request<Page<LoggedMessage>>('GET', `/stations/${enc(id)}/messages?limit=${limit}`);
export const fetchWarnings = (id: string) => request<Page<Warning>>('GET', `/stations/${enc(id)}/warnings?limit=20`);
export const runCommand = (id: string, name: string, params: Record<string, unknown>) =>
  request<CommandOutcome>('POST', `/stations/${enc(id)}/commands/${enc(name)}`, { body: params });

export interface TransactionQuery {
  stationId?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}
export const fetchTransactions = (q: TransactionQuery) => request<Page<Transaction>>('GET', `/transactions${queryString({ ...q })}`);
export const fetchTransaction = (id: number) => request<Transaction>('GET', `/transactions/${id}`);
export const fetchMeterValues = (id: number) => request<Page<MeterSample>>('GET', `/transactions/${id}/meter-values`);

export const fetchIdTokens = (search: string, offset: number, limit: number) =>
  request<Page<IdToken>>('GET', `/id-tokens${queryString({ search, offset, limit })}`);
export const createIdToken = (body: Record<string, unknown>) => request<IdToken>('POST', '/id-tokens', { body });
export const updateIdToken = (token: string, body: Record<string, unknown>) => request<IdToken>('PATCH', `/id-tokens/${enc(token)}`, { body });
export const deleteIdToken = (token: string) => request<void>('DELETE', `/id-tokens/${enc(token)}`);

export const fetchAlarms = () => request<Page<Alarm>>('GET', '/alarms?active=true');
