// Calls to the Ampyard HTTP API. Errors come back as `{ error: { code, message } }` and are
// turned into ApiError so the UI can show the server's own message.

import type { Station } from './station-types.ts';

export const API_BASE = '/api/v1';
export const EVENTS_URL = `${API_BASE}/events`;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface StationList {
  items: Station[];
  total: number;
}

export function fetchStations(): Promise<StationList> {
  return request<StationList>('GET', '/stations');
}

export function approveStation(id: string): Promise<Station> {
  return request<Station>('POST', `/stations/${encodeURIComponent(id)}/approve`);
}

export function rejectStation(id: string): Promise<Station> {
  return request<Station>('POST', `/stations/${encodeURIComponent(id)}/reject`);
}

/** A one-line, human-readable description of any error thrown by the calls above. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The Ampyard server cannot be reached.';
  if (error instanceof Error) return error.message;
  return String(error);
}

async function request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(API_BASE + path, {
    method,
    headers: { accept: 'application/json' },
    cache: 'no-store',
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response, body);
  if (body === undefined) throw new ApiError(response.status, 'invalid_response', `${method} ${path}: the server sent no JSON.`);
  return body as T;
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : 'http_error';
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : `HTTP ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, code, message);
}
