// Calls to the Ampyard HTTP API. Errors come back as `{ error: { code, message } }` and are
// turned into ApiError so the UI can show the server's own message.

import type { Station } from './station-types.ts';

export const API_BASE = '/api/v1';
export const EVENTS_URL = `${API_BASE}/events`;

/** A problem with one field of a request, as the API reports it in `error.details.fields`. */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

// The session's CSRF token (from sign-in or /auth/me), sent with every changing request.
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API answers 401: the session has ended, so the UI goes back to the sign-in page. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
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

export interface RequestOptions {
  body?: unknown;
  /** A body that is not JSON, e.g. a CSV file or a firmware image: sent as it is with its content type. */
  text?: { body: string | Blob; contentType: string };
  /** Sign-in and setup answer 401/403 themselves; those must not send the UI back to the sign-in page. */
  ignoreUnauthorized?: boolean;
}

/** Calls the API with the session cookie, and the CSRF token on changing requests. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.text) headers['content-type'] = options.text.contentType;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(API_BASE + path, {
    method,
    headers,
    body: options.text ? options.text.body : options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401 && !options.ignoreUnauthorized) onUnauthorized();
  if (!response.ok) throw toApiError(response, body);
  if (body === undefined) throw new ApiError(response.status, 'invalid_response', `${method} ${path}: the server sent no JSON.`);
  return body as T;
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: { fields?: unknown } } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : 'http_error';
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : `HTTP ${response.status} ${response.statusText}`.trim();
  const fields = Array.isArray(error?.details?.fields) ? (error.details.fields as FieldError[]) : [];
  return new ApiError(response.status, code, message, fields);
}
