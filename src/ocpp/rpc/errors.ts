import type { OcppVersion } from '../versions.ts';

/** Version-neutral kinds of RPC failure; spelled per OCPP version by `errorCodeFor`. */
export type RpcErrorKind =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'MessageTypeNotSupported'
  | 'RpcFrameworkError';

/**
 * OCPP 1.6 has no MessageTypeNotSupported/RpcFrameworkError and spells two codes differently
 * ("FormationViolation", "OccurenceConstraintViolation" — sic, as the 1.6 specification writes it).
 */
export function errorCodeFor(version: OcppVersion, kind: RpcErrorKind): string {
  if (version !== '1.6') return kind;
  switch (kind) {
    case 'FormatViolation':
    case 'RpcFrameworkError':
    case 'MessageTypeNotSupported':
      return 'FormationViolation';
    case 'OccurrenceConstraintViolation':
      return 'OccurenceConstraintViolation';
    default:
      return kind;
  }
}

/** An error to be answered to the peer as a CALLERROR. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly details: Record<string, unknown>;
  constructor(kind: RpcErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RpcError';
    this.kind = kind;
    this.details = details;
  }
}

/** The peer answered our CALL with a CALLERROR. */
export class CallErrorResponse extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, description: string, details: unknown) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'CallErrorResponse';
    this.code = code;
    this.details = details;
  }
}

export class CallTimeoutError extends Error {
  constructor(action: string, timeoutMs: number) {
    super(`${action} got no answer within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

export class ConnectionClosedError extends Error {
  constructor(message = 'connection closed') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** Our own outgoing message failed schema validation: a bug on our side, never sent. */
export class OutgoingSchemaError extends Error {
  readonly errors: unknown;
  constructor(message: string, errors: unknown) {
    super(message);
    this.name = 'OutgoingSchemaError';
    this.errors = errors;
  }
}
