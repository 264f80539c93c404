import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ParamsError } from '../commands/params.ts';
import { UnknownCommandError } from '../commands/runner.ts';
import { UnsupportedCommandError } from '../commands/spec.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { CallErrorResponse, CallTimeoutError, ConnectionClosedError, OutgoingSchemaError } from '../ocpp/rpc/errors.ts';
import { StationOfflineError } from '../ocpp/station-link.ts';
import { StorageUnavailableError } from '../storage/storage-health.ts';

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

/** Maps domain and station errors to HTTP; anything unexpected is a 500 without internals in the body. */
export function toErrorResponse(c: Context, error: Error, onUnexpected: (error: Error) => void): Response {
  const reply = (status: ContentfulStatusCode, code: string, details?: unknown) => c.json(errorBody(code, error.message, details), status);
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof ParamsError) return reply(400, 'validation', { fields: error.fields });
  if (error instanceof NotFoundError || error instanceof UnknownCommandError) return reply(404, 'not_found');
  if (error instanceof ConflictError) return reply(409, 'conflict');
  if (error instanceof StationOfflineError || error instanceof ConnectionClosedError) return reply(409, 'station_offline');
  if (error instanceof UnsupportedCommandError) return reply(422, 'unsupported');
  if (error instanceof OutgoingSchemaError) return reply(400, 'invalid_ocpp_payload', { errors: error.errors });
  if (error instanceof CallTimeoutError) return reply(504, 'station_timeout');
  if (error instanceof CallErrorResponse) return reply(502, 'station_error', { ocppErrorCode: error.code, ocppErrorDetails: error.details });
  if (error instanceof StorageUnavailableError) return reply(503, 'storage_unavailable', { problem: error.problem });
  onUnexpected(error);
  return c.json(errorBody('internal', 'internal error; see the appliance log'), 500);
}
