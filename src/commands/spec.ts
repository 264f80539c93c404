import type { Station } from '../domain/station.ts';
import type { Payload } from '../ocpp/rpc/frames.ts';
import type { OcppVersion } from '../ocpp/versions.ts';

/** A JSON Schema object describing a command's parameters; validates API input and documents it. */
export type ParamsSchema = { type: 'object'; properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };

export interface OcppRequest {
  action: string;
  payload: Payload;
}

export interface CommandOutcome {
  /** The station's answer in neutral form, e.g. `accepted`, `rejected`, `unlocked`, `scheduled`. */
  status: string;
  /** The station's response payload as received. */
  response: Payload;
  /** Anything Ampyard derived or stored from the answer (e.g. a configuration it fetched). */
  result?: unknown;
}

export interface CommandContext {
  station: Station;
  version: OcppVersion;
  /** scheme://host[:port] of the API request that runs the command, for commands that give stations a URL to Ampyard. */
  origin?: string;
}

/**
 * One version-neutral command ("reset", "unlock", "start charging"). Each knows how to say itself in every
 * OCPP version it exists in and how to read the answer. The REST API, the balancer and tests use commands by
 * name; nothing outside src/ocpp and src/commands builds OCPP payloads.
 */
export interface CommandSpec<P = any> {
  name: string;
  summary: string;
  params: ParamsSchema;
  /** Returns the OCPP call for this station, or throws UnsupportedCommandError. */
  toOcpp(params: P, ctx: CommandContext): OcppRequest | Promise<OcppRequest>;
  /**
   * Reads the answer (and may store what it learns); `request` is what was sent (e.g. for its requestId).
   * Default: the response's `status`, lower-cased.
   */
  interpret?(response: Payload, params: P, ctx: CommandContext, request: OcppRequest): CommandOutcome | Promise<CommandOutcome>;
  /** Called when the call made by toOcpp got no usable answer (timeout, CALLERROR, connection lost); the error is still thrown. */
  failed?(error: Error, params: P, ctx: CommandContext): void | Promise<void>;
  /**
   * For a command made of several calls (e.g. sending every stored charging profile again): runs instead of
   * toOcpp and interpret, each call going through `send` to this station.
   */
  perform?(params: P, ctx: CommandContext, send: (action: string, payload: Payload) => Promise<Payload>): Promise<CommandOutcome>;
  /**
   * Why these parameters need the admin role although the command itself does not (e.g. a configuration change
   * of a station security setting), or undefined. The API checks it against the caller's role before running.
   */
  adminOnly?(params: P): string | undefined;
}

export class UnsupportedCommandError extends Error {
  constructor(command: string, version: OcppVersion | null, why = '') {
    super(`${command} is not available for OCPP ${version ?? '(unknown version)'} stations${why ? `: ${why}` : ''}`);
    this.name = 'UnsupportedCommandError';
  }
}

export function defaultOutcome(response: Payload): CommandOutcome {
  const status = typeof response['status'] === 'string' ? response['status'].toLowerCase() : 'ok';
  return { status, response };
}
