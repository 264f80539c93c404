import { RpcError } from './errors.ts';

export const MessageType = {
  CALL: 2,
  CALLRESULT: 3,
  CALLERROR: 4,
  /** OCPP 2.1 only. */
  CALLRESULTERROR: 5,
  /** OCPP 2.1 only: a CALL that expects no answer. */
  SEND: 6,
} as const;

export type Payload = Record<string, unknown>;

export type Frame =
  | { type: 'call'; id: string; action: string; payload: Payload }
  | { type: 'send'; id: string; action: string; payload: Payload }
  | { type: 'result'; id: string; payload: Payload }
  | { type: 'error'; id: string; code: string; description: string; details: unknown }
  | { type: 'resultError'; id: string; code: string; description: string; details: unknown };

export type ParseOutcome =
  | { ok: true; frame: Frame }
  /** `reply` is false where the spec gives no way to answer (a broken CALLRESULT/CALLERROR). */
  | { ok: false; id: string; error: RpcError; reply: boolean };

/** Used as the message id of a CALLERROR when the id of the offending message cannot be read. */
export const UNKNOWN_MESSAGE_ID = '-1';

function isPayload(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(id: string, kind: RpcError['kind'], message: string, reply = true): ParseOutcome {
  return { ok: false, id, error: new RpcError(kind, message), reply };
}

/**
 * Parses one OCPP-J text frame. `allow21` enables the OCPP 2.1 message types (CALLRESULTERROR, SEND).
 * Never throws: every malformed input becomes an outcome the caller can answer.
 */
export function parseFrame(text: string, allow21: boolean): ParseOutcome {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return fail(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message is not valid JSON');
  }
  if (!Array.isArray(message)) return fail(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message is not a JSON array');
  const [typeId, id] = message;
  if (typeof id !== 'string' || id.length === 0) {
    return fail(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message id is missing or not a string');
  }
  switch (typeId) {
    case MessageType.CALL:
    case MessageType.SEND: {
      if (typeId === MessageType.SEND && !allow21) break;
      const [, , action, payload] = message;
      if (message.length !== 4) return fail(id, 'RpcFrameworkError', `a CALL has 4 elements, got ${message.length}`);
      if (typeof action !== 'string' || action.length === 0) return fail(id, 'RpcFrameworkError', 'action is not a string');
      if (!isPayload(payload)) return fail(id, 'FormatViolation', 'payload is not a JSON object');
      return { ok: true, frame: { type: typeId === MessageType.CALL ? 'call' : 'send', id, action, payload } };
    }
    case MessageType.CALLRESULT: {
      const payload = message[2];
      if (message.length !== 3 || !isPayload(payload)) return fail(id, 'FormatViolation', 'malformed CALLRESULT', false);
      return { ok: true, frame: { type: 'result', id, payload } };
    }
    case MessageType.CALLERROR:
    case MessageType.CALLRESULTERROR: {
      if (typeId === MessageType.CALLRESULTERROR && !allow21) break;
      const [, , code, description, details] = message;
      // Tolerated: a missing details element (some chargers send 4 elements).
      if (message.length < 4 || message.length > 5 || typeof code !== 'string') {
        return fail(id, 'FormatViolation', 'malformed CALLERROR', false);
      }
      return {
        ok: true,
        frame: {
          type: typeId === MessageType.CALLERROR ? 'error' : 'resultError',
          id,
          code,
          description: typeof description === 'string' ? description : '',
          details: details ?? {},
        },
      };
    }
  }
  if (typeof typeId !== 'number') return fail(id, 'RpcFrameworkError', 'message type id is not a number');
  return fail(id, 'MessageTypeNotSupported', `message type ${typeId} is not supported`);
}

export function callFrame(id: string, action: string, payload: Payload): string {
  return JSON.stringify([MessageType.CALL, id, action, payload]);
}

export function resultFrame(id: string, payload: Payload): string {
  return JSON.stringify([MessageType.CALLRESULT, id, payload]);
}

export function errorFrame(id: string, code: string, description: string, details: Record<string, unknown> = {}): string {
  return JSON.stringify([MessageType.CALLERROR, id, code, description.slice(0, 255), details]);
}
