import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger.ts';
import type { OcppVersion } from '../versions.ts';
import {
  CallErrorResponse,
  CallTimeoutError,
  ConnectionClosedError,
  OutgoingSchemaError,
  RpcError,
  errorCodeFor,
} from './errors.ts';
import { callFrame, errorFrame, parseFrame, resultFrame, type Frame, type Payload } from './frames.ts';
import type { SchemaRegistry } from './schemas.ts';
import { tolerate } from './tolerance.ts';

/** What the RPC layer needs of a socket; the websocket transport provides it. */
export interface FrameSink {
  send(text: string): void;
}

export type CallHandler = (action: string, payload: Payload) => Promise<Payload> | Payload;

export interface LoggedFrame {
  direction: 'in' | 'out';
  messageType: 'CALL' | 'CALLRESULT' | 'CALLERROR' | 'SEND' | 'CALLRESULTERROR' | 'INVALID';
  messageId: string;
  action: string | null;
  payload: string;
}

export interface RpcConnectionOptions {
  version: OcppVersion;
  schemas: SchemaRegistry;
  callTimeoutMs: number;
  /** Outgoing CALLs waiting behind the one in flight; more are refused rather than piling up. */
  maxQueuedCalls?: number;
  handleCall: CallHandler;
  /** For OCPP 2.1 SEND messages, which get no answer. */
  handleSend?: (action: string, payload: Payload) => void;
  onFrame?: (frame: LoggedFrame) => void;
  /** Called when an incoming payload was accepted only after a safe repair (see tolerance.ts). */
  onRepair?: (action: string, repairs: string[]) => void;
  log: Logger;
}

interface OutgoingCall {
  id: string;
  action: string;
  payload: Payload;
  timeoutMs: number;
  resolve: (payload: Payload) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * OCPP-J RPC over one connection: framing, schema validation in both directions, message-id correlation,
 * timeouts, and at most one outstanding CALL per direction. Incoming CALLs are answered strictly in order;
 * outgoing CALLs are queued and never block the station's own messages.
 */
export class RpcConnection {
  readonly version: OcppVersion;
  private readonly options: RpcConnectionOptions;
  private readonly sink: FrameSink;
  private readonly outgoing: OutgoingCall[] = [];
  private inFlight: OutgoingCall | undefined;
  /** Incoming CALLs and SENDs not yet answered, oldest first; the first is being answered while `answering`. */
  private readonly incoming: Array<Extract<Frame, { type: 'call' | 'send' }>> = [];
  private answering = false;
  private closed = false;

  constructor(sink: FrameSink, options: RpcConnectionOptions) {
    this.sink = sink;
    this.options = options;
    this.version = options.version;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a CALL to the station and resolves with its (schema-valid) CALLRESULT payload. */
  call(action: string, payload: Payload, timeoutMs = this.options.callTimeoutMs): Promise<Payload> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('station is not connected'));
    const failure = this.options.schemas.validateRequest(this.version, action, payload);
    if (failure) {
      return Promise.reject(new OutgoingSchemaError(`${action} request is not valid OCPP ${this.version}: ${failure.message}`, failure.errors));
    }
    const limit = this.options.maxQueuedCalls ?? 100;
    if (this.outgoing.length >= limit) {
      return Promise.reject(new Error(`too many commands queued for this station (${limit})`));
    }
    return new Promise<Payload>((resolve, reject) => {
      this.outgoing.push({ id: randomUUID(), action, payload, timeoutMs, resolve, reject });
      this.sendNextCall();
    });
  }

  /** Feeds one received text frame. */
  receive(text: string): void {
    const outcome = parseFrame(text, this.version === '2.1');
    if (!outcome.ok) {
      this.record('in', 'INVALID', outcome.id, null, text);
      this.options.log.warn('malformed OCPP frame', { reason: outcome.error.message });
      if (outcome.reply) this.sendError(outcome.id, outcome.error, null);
      return;
    }
    const frame = outcome.frame;
    switch (frame.type) {
      case 'call':
        this.record('in', 'CALL', frame.id, frame.action, text);
        this.enqueueIncoming(frame);
        return;
      case 'send':
        this.record('in', 'SEND', frame.id, frame.action, text);
        this.enqueueIncoming(frame);
        return;
      case 'result':
      case 'error':
      case 'resultError':
        this.receiveAnswer(frame, text);
        return;
    }
  }

  /** Binary frames are not OCPP-J. */
  receiveBinary(): void {
    this.record('in', 'INVALID', '-1', null, '<binary frame>');
    this.sendError('-1', new RpcError('RpcFrameworkError', 'binary frames are not allowed; OCPP-J uses text frames'), null);
  }

  /** Fails every pending and queued call; later calls fail at once. */
  close(reason = 'connection closed'): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.outgoing.splice(0)];
    this.inFlight = undefined;
    for (const call of pending) {
      clearTimeout(call.timer);
      call.reject(new ConnectionClosedError(reason));
    }
  }

  private enqueueIncoming(frame: Extract<Frame, { type: 'call' | 'send' }>): void {
    this.incoming.push(frame);
    if (!this.answering) void this.answerQueued();
  }

  /** Answers queued messages one at a time, in order, until none is left. */
  private async answerQueued(): Promise<void> {
    this.answering = true;
    for (let frame = this.incoming.shift(); frame; frame = this.incoming.shift()) {
      try {
        await this.answerIncoming(frame);
      } catch (error) {
        // Whatever goes wrong with one message, it is answered and the next ones still are.
        this.options.log.error('could not process an incoming message', { action: frame.action, error: (error as Error)?.stack ?? String(error) });
        if (frame.type === 'call') this.sendError(frame.id, new RpcError('InternalError', 'the CSMS could not process this message'), frame.action);
      }
    }
    this.answering = false;
  }

  private async answerIncoming(frame: Extract<Frame, { type: 'call' | 'send' }>): Promise<void> {
    const { schemas, log } = this.options;
    let payload = frame.payload;
    let failure = schemas.validateRequest(this.version, frame.action, payload);
    if (failure && failure.kind !== 'NotImplemented') {
      const repaired = tolerate(payload, (p) => schemas.validateRequest(this.version, frame.action, p), failure);
      if (repaired) {
        payload = repaired.payload;
        failure = undefined;
        this.options.onRepair?.(frame.action, repaired.repairs);
      }
    }
    if (frame.type === 'send') {
      if (failure) log.warn('invalid SEND message ignored', { action: frame.action, reason: failure.message });
      else this.options.handleSend?.(frame.action, payload);
      return;
    }
    if (failure) {
      this.sendError(frame.id, new RpcError(failure.kind, failure.message), frame.action);
      return;
    }
    let response: Payload;
    try {
      response = await this.options.handleCall(frame.action, payload);
    } catch (error) {
      if (error instanceof RpcError) {
        this.sendError(frame.id, error, frame.action);
      } else {
        log.error('handler failed', { action: frame.action, error: (error as Error)?.stack ?? String(error) });
        this.sendError(frame.id, new RpcError('InternalError', 'the CSMS could not process this message'), frame.action);
      }
      return;
    }
    const invalid = schemas.validateResponse(this.version, frame.action, response);
    if (invalid) {
      log.error('our response failed schema validation; sent InternalError instead', { action: frame.action, reason: invalid.message });
      this.sendError(frame.id, new RpcError('InternalError', 'the CSMS produced an invalid response'), frame.action);
      return;
    }
    this.write(resultFrame(frame.id, response), 'CALLRESULT', frame.id, frame.action);
  }

  private receiveAnswer(frame: Extract<Frame, { type: 'result' | 'error' | 'resultError' }>, text: string): void {
    const call = this.inFlight;
    const messageType = frame.type === 'result' ? 'CALLRESULT' : frame.type === 'error' ? 'CALLERROR' : 'CALLRESULTERROR';
    if (frame.type === 'resultError') {
      // OCPP 2.1: the station rejects one of our CALLRESULTs; nothing to correlate, just keep it in the log.
      this.record('in', messageType, frame.id, null, text);
      this.options.log.warn('station rejected a response of ours', { code: frame.code, description: frame.description });
      return;
    }
    if (!call || call.id !== frame.id) {
      this.record('in', messageType, frame.id, null, text);
      this.options.log.warn('answer for a message id that is not outstanding; ignored', { messageId: frame.id });
      return;
    }
    this.record('in', messageType, frame.id, call.action, text);
    this.finish(call);
    if (frame.type === 'error') {
      call.reject(new CallErrorResponse(frame.code, frame.description, frame.details));
    } else {
      const failure = this.options.schemas.validateResponse(this.version, call.action, frame.payload);
      if (failure) call.reject(new CallErrorResponse(failure.kind, `station's ${call.action} response is invalid: ${failure.message}`, failure.errors));
      else call.resolve(frame.payload);
    }
    this.sendNextCall();
  }

  private sendNextCall(): void {
    if (this.inFlight || this.closed) return;
    const call = this.outgoing.shift();
    if (!call) return;
    this.inFlight = call;
    call.timer = setTimeout(() => {
      if (this.inFlight !== call) return;
      this.finish(call);
      call.reject(new CallTimeoutError(call.action, call.timeoutMs));
      this.sendNextCall();
    }, call.timeoutMs);
    this.write(callFrame(call.id, call.action, call.payload), 'CALL', call.id, call.action);
  }

  private finish(call: OutgoingCall): void {
    clearTimeout(call.timer);
    if (this.inFlight === call) this.inFlight = undefined;
  }

  private sendError(id: string, error: RpcError, action: string | null): void {
    const code = errorCodeFor(this.version, error.kind);
    this.write(errorFrame(id, code, error.message, error.details), 'CALLERROR', id, action);
  }

  private write(text: string, messageType: LoggedFrame['messageType'], id: string, action: string | null): void {
    if (this.closed) return;
    this.record('out', messageType, id, action, text);
    this.sink.send(text);
  }

  private record(direction: 'in' | 'out', messageType: LoggedFrame['messageType'], messageId: string, action: string | null, payload: string): void {
    this.options.onFrame?.({ direction, messageType, messageId, action, payload });
  }
}
