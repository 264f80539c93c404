import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { NotFoundError } from '../domain/station-service.ts';
import { StationOfflineError } from '../ocpp/commands.ts';

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: unknown;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Maps domain errors to HTTP; anything unexpected is a 500 without internals in the body. */
export function toErrorResponse(c: Context, error: Error, onUnexpected: (error: Error) => void): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof NotFoundError) return c.json(errorBody('not_found', error.message), 404);
  if (error instanceof StationOfflineError) return c.json(errorBody('station_offline', error.message), 409);
  onUnexpected(error);
  return c.json(errorBody('internal', 'internal error; see the appliance log'), 500);
}
