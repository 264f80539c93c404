/**
 * Scripted OCPP charging station simulator (OCPP-J 1.6 / 2.0.1 / 2.1 over websocket).
 *
 * Written independently of the server: only `ws` and Node built-ins. Used by tests and load
 * benchmarks, so nothing here logs per message; observe a station through its events.
 *
 * Framing (OCPP-J): CALL [2, id, action, payload], CALLRESULT [3, id, payload],
 * CALLERROR [4, id, code, description, details]; OCPP 2.1 adds CALLRESULTERROR [5, ...] and SEND [6, ...].
 * The station has at most one CALL of its own outstanding; further calls wait in a FIFO queue.
 * A CALL that gets no answer within `callTimeoutMs` is rejected with CallTimeoutError and the
 * next queued CALL is sent; a late answer to it is reported as a protocolError ("late ...") and dropped.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export type OcppVersion = '1.6' | '2.0.1' | '2.1';
export const OCPP_VERSIONS: readonly OcppVersion[] = ['1.6', '2.0.1', '2.1'];
/** A JSON object payload. Loosely typed on purpose: tests poke at arbitrary fields. */
export type Payload = Record<string, any>;

export const MessageType = { CALL: 2, CALLRESULT: 3, CALLERROR: 4, CALLRESULTERROR: 5, SEND: 6 } as const;

export function subprotocolFor(version: OcppVersion): string {
  return `ocpp${version}`;
}

export function isOcppVersion(v: unknown): v is OcppVersion {
  return v === '1.6' || v === '2.0.1' || v === '2.1';
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A CALLERROR received from the CSMS (or to be sent by a handler: throw it from onCall handlers). */
export class OcppCallError extends Error {
  readonly code: string;
  readonly description: string;
  readonly details: Payload;
  constructor(code: string, description = '', details: Payload = {}) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'OcppCallError';
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

export class CallTimeoutError extends Error {
  readonly action: string;
  readonly messageId: string;
  readonly timeoutMs: number;
  constructor(action: string, messageId: string, timeoutMs: number) {
    super(`${action} (${messageId}) got no response within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
    this.action = action;
    this.messageId = messageId;
    this.timeoutMs = timeoutMs;
  }
}

export class NotConnectedError extends Error {
  constructor(message = 'station is not connected') {
    super(message);
    this.name = 'NotConnectedError';
  }
}

/** The websocket handshake failed. `statusCode` is set when the server answered with a non-101 HTTP status. */
export class ConnectError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number) {
    super(message);
    this.name = 'ConnectError';
    this.statusCode = statusCode;
  }
}

// ---------------------------------------------------------------------------------------------
// Types

export interface SimStationOptions {
  /** Base websocket URL, e.g. ws://127.0.0.1:8080/ocpp; the station id is appended as the last path segment. */
  url: string;
  id: string;
  version: OcppVersion;
  /** Number of connectors (1.6 connector N = 2.x EVSE N connector 1). Default 2. */
  connectors?: number;
  vendor?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  /** When given, sends `Authorization: Basic base64(id:password)` (OCPP security profile 1). */
  password?: string;
  /** Timeout for the station's own CALLs. Default 30000. */
  callTimeoutMs?: number;
  /** Websocket handshake timeout. Default 10000. */
  connectTimeoutMs?: number;
  /** Offer permessage-deflate. Default false (real chargers rarely do, and it costs memory at scale). */
  perMessageDeflate?: boolean;
  /** Heartbeat interval override in seconds (fractions allowed); otherwise the server's boot interval is used. */
  heartbeatIntervalSec?: number;
  /** Wait before re-sending a Pending/Rejected boot when the server's interval is 0. Default 10. */
  bootRetrySec?: number;
  /** Extra HTTP headers for the handshake. */
  headers?: Record<string, string>;
}

export interface BootResponse {
  status: 'Accepted' | 'Pending' | 'Rejected';
  interval: number;
  currentTime: string;
  [k: string]: unknown;
}

export interface IncomingCall {
  messageId: string;
  action: string;
  payload: Payload;
}

export interface CallContext {
  station: SimStation;
  messageId: string;
  action: string;
  /** Run `fn` right after the response frame has been sent (e.g. send the message a TriggerMessage asked for). */
  after(fn: () => void): void;
}

/** Return this from an onCall handler to send no response at all. */
export const NO_REPLY: unique symbol = Symbol('NO_REPLY');

export type CallHandler = (payload: Payload, ctx: CallContext) => unknown;

export interface CallCompletion {
  action: string;
  messageId: string;
  ok: boolean;
  /** Time from sending the CALL frame to receiving its answer (or failing), in ms. */
  latencyMs: number;
  /** Time spent waiting in the station's queue before the frame was sent, in ms. */
  queuedMs: number;
  error?: 'timeout' | 'callerror' | 'closed' | 'send';
  errorCode?: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** True when the station initiated it with close()/destroy(). */
  initiatedByStation: boolean;
}

export interface SimStationEvents {
  open: [];
  close: [info: CloseInfo];
  /** Unexpected socket errors. Only emitted when someone listens (so it never throws). */
  error: [err: Error];
  /** A CALL from the CSMS arrived (emitted before it is answered). */
  call: [call: IncomingCall];
  /** A BootNotification response arrived. */
  boot: [response: BootResponse];
  /** One of the station's own CALLs finished (result, error, timeout or connection loss). */
  callComplete: [info: CallCompletion];
  /** The CSMS sent something that is not valid OCPP-J, or an answer to an unknown/late message id. */
  protocolError: [message: string, frame: string];
  /** Every text frame in and out (only built when someone listens). */
  frame: [direction: 'in' | 'out', text: string];
}

export interface BootSequenceOptions {
  /** Status sent for every connector after an accepted boot (1.6 names, mapped for 2.x). Default 'Available'. */
  initialStatus?: string | ((connectorId: number) => string | [status: string, errorCode: string]);
  /** 1.6 only: also send a StatusNotification for connector 0 (the charge point itself). Default false. */
  includeConnectorZero?: boolean;
  /** Send one Heartbeat right after the statuses. Default false. */
  initialHeartbeat?: boolean;
  /** Heartbeat interval override in seconds; otherwise options.heartbeatIntervalSec, then the server's interval. */
  heartbeatIntervalSec?: number;
  /** Do not start the heartbeat loop. Default false. */
  noHeartbeatLoop?: boolean;
}

interface PendingCall {
  id: string;
  action: string;
  payload: Payload;
  timeoutMs: number;
  enqueuedAt: number;
  sentAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve: (value: any) => void;
  reject: (err: Error) => void;
}

interface FrameWaiter {
  filter: ((frame: unknown, text: string) => boolean) | undefined;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface ConfigEntry {
  value: string;
  readonly: boolean;
}

const OCPP16_TO_2X_STATUS: Record<string, string> = {
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEV: 'Occupied',
  SuspendedEVSE: 'Occupied',
  Finishing: 'Occupied',
};

const noop = () => {};

// ---------------------------------------------------------------------------------------------

export class SimStation extends EventEmitter<SimStationEvents> {
  readonly id: string;
  readonly version: OcppVersion;
  readonly subprotocol: string;
  readonly connectors: number;
  readonly options: Readonly<SimStationOptions>;

  /** Last BootNotification status received, or null before the first answer. */
  registration: BootResponse['status'] | null = null;
  /** Heartbeat interval (s) from the last boot response. */
  serverIntervalSec = 0;
  /** Last status sent per connector (1.6 numbering; 0 = station). */
  readonly connectorStatus = new Map<number, string>();
  /** Configuration (1.6 keys) / variables (2.x, keyed `Component.Variable`). */
  readonly config = new Map<string, ConfigEntry>();

  private ws: WebSocket | null = null;
  private silent = false;
  private closingByUs = false;
  private readonly handlers = new Map<string, CallHandler>();
  private readonly queue: PendingCall[] = [];
  private current: PendingCall | null = null;
  private readonly timedOutIds = new Set<string>();
  private frameWaiters: FrameWaiter[] = [];
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatLoopSec = 0;
  private heartbeatOverrideSec: number | undefined;
  private bootWake: ((triggered: boolean) => void) | null = null;
  private closedPromise: Promise<CloseInfo> | null = null;

  constructor(options: SimStationOptions) {
    super();
    if (!isOcppVersion(options.version)) throw new TypeError(`unsupported OCPP version ${String(options.version)}`);
    if (!options.id) throw new TypeError('station id is required');
    this.options = options;
    this.id = options.id;
    this.version = options.version;
    this.subprotocol = subprotocolFor(options.version);
    this.connectors = options.connectors ?? 2;
    this.heartbeatOverrideSec = options.heartbeatIntervalSec;
    for (let c = 1; c <= this.connectors; c++) this.connectorStatus.set(c, 'Available');
    this.initConfig();
  }

  // --- state -----------------------------------------------------------------------------------

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  get isSilent(): boolean {
    return this.silent;
  }

  /** The subprotocol the server selected (after connect). */
  get negotiatedProtocol(): string {
    return this.ws?.protocol ?? '';
  }

  /** Number of the station's own CALLs waiting or in flight. */
  get pendingCalls(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  get vendor(): string {
    return this.options.vendor ?? 'AmpyardSim';
  }
  get model(): string {
    return this.options.model ?? `Sim-${this.version}`;
  }
  get serial(): string {
    return this.options.serial ?? `SN-${this.id}`.slice(0, 25);
  }
  get firmware(): string {
    return this.options.firmware ?? '1.0.0-sim';
  }

  // --- connection ------------------------------------------------------------------------------

  /** Open the websocket (offering exactly one subprotocol). Rejects with ConnectError on failure. */
  connect(): Promise<void> {
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) {
      return Promise.reject(new Error(`${this.id}: connect() while a connection is ${this.isOpen ? 'open' : 'in progress'}`));
    }
    const url = joinUrl(this.options.url, this.id);
    const headers: Record<string, string> = { ...this.options.headers };
    if (this.options.password !== undefined) {
      headers['authorization'] = 'Basic ' + Buffer.from(`${this.id}:${this.options.password}`).toString('base64');
    }
    const ws = new WebSocket(url, [this.subprotocol], {
      headers,
      perMessageDeflate: this.options.perMessageDeflate ?? false,
      handshakeTimeout: this.options.connectTimeoutMs ?? 10_000,
      // Pings are answered by hand so goSilent() can stop answering them.
      autoPong: false,
    });
    this.ws = ws;
    this.silent = false;
    this.closingByUs = false;

    return new Promise<void>((resolve, reject) => {
      let opened = false;
      let httpStatus: number | undefined;
      let failure: Error | undefined;

      this.closedPromise = new Promise<CloseInfo>((resolveClosed) => {
        ws.on('close', (code, reasonBuf) => {
          const info: CloseInfo = { code, reason: reasonBuf.toString(), initiatedByStation: this.closingByUs };
          this.onClosed(info);
          resolveClosed(info);
          if (!opened) {
            reject(
              failure ??
                new ConnectError(
                  httpStatus !== undefined
                    ? `${this.id}: handshake rejected with HTTP ${httpStatus}`
                    : `${this.id}: connection closed during handshake (${code})`,
                  httpStatus,
                ),
            );
          } else {
            this.emit('close', info);
          }
        });
      });

      ws.on('unexpected-response', (req, res) => {
        httpStatus = res.statusCode;
        failure = new ConnectError(`${this.id}: handshake rejected with HTTP ${res.statusCode}`, res.statusCode);
        res.resume();
        ws.terminate();
      });
      ws.on('error', (err) => {
        if (!opened) {
          failure ??= new ConnectError(`${this.id}: ${err.message}`, httpStatus);
        } else {
          this.emitError(err);
        }
      });
      ws.on('open', () => {
        if (ws.protocol !== this.subprotocol) {
          failure = new ConnectError(
            `${this.id}: server selected subprotocol ${JSON.stringify(ws.protocol)}, offered ${this.subprotocol}`,
          );
          ws.terminate();
          return;
        }
        opened = true;
        this.emit('open');
        resolve();
        this.pump();
      });
      ws.on('ping', (data) => {
        if (!this.silent && ws.readyState === WebSocket.OPEN) ws.pong(data, undefined, noop);
      });
      ws.on('message', (data, isBinary) => {
        if (this.silent) return;
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : (data as Buffer).toString('utf8');
        if (isBinary) {
          this.emit('protocolError', 'binary frame received', text);
          return;
        }
        this.handleFrame(text);
      });
    });
  }

  /** Resolves when the socket has closed (immediately if it never opened or is already closed). */
  closed(): Promise<CloseInfo> {
    return this.closedPromise ?? Promise.resolve({ code: 1006, reason: '', initiatedByStation: false });
  }

  /** Clean websocket close (close frame + handshake). A silent station is destroyed instead. */
  async close(code = 1000, reason = ''): Promise<CloseInfo> {
    const ws = this.ws;
    if (!ws) return this.closed();
    this.closingByUs = true;
    this.stopHeartbeat();
    if (this.silent) return this.destroy();
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(code, reason);
    }
    return this.closed();
  }

  /** Power cut seen from the network: drop the TCP socket, no close frame. */
  async destroy(): Promise<CloseInfo> {
    const ws = this.ws;
    if (!ws) return this.closed();
    this.closingByUs = true;
    this.stopHeartbeat();
    ws.terminate();
    return this.closed();
  }

  /** Alias of destroy(). */
  kill(): Promise<CloseInfo> {
    return this.destroy();
  }

  /**
   * Half-open connection: the socket stays open but the station stops reading (so it answers no
   * websocket ping and no CALL) and stops sending anything. Pending and queued CALLs are rejected.
   * Call destroy() later to release the socket.
   */
  goSilent(): void {
    if (this.silent) return;
    this.silent = true;
    this.stopHeartbeat();
    this.ws?.pause();
    this.failAll(() => new NotConnectedError(`${this.id}: station went silent`), 'closed');
    this.rejectFrameWaiters(new NotConnectedError(`${this.id}: station went silent`));
    this.bootWake?.(false);
  }

  // --- raw frames ------------------------------------------------------------------------------

  /** Send a raw text frame, bypassing the CALL queue (for malformed-frame tests). */
  sendRaw(text: string): void {
    this.sendText(text);
  }

  /**
   * Resolves with the next incoming text frame (optionally the next one `filter` accepts).
   * Frames are delivered to waiters before the station handles them.
   */
  nextFrame(options: { timeoutMs?: number; filter?: (frame: unknown, text: string) => boolean } = {}): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const waiter: FrameWaiter = { filter: options.filter, resolve, reject, timer: undefined };
      const timeoutMs = options.timeoutMs ?? 5000;
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          this.frameWaiters = this.frameWaiters.filter((w) => w !== waiter);
          reject(new Error(`${this.id}: no matching frame within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.frameWaiters.push(waiter);
    });
  }

  /** Resolves with the next CSMS CALL of the given action (or any action). */
  waitForCall(action?: string, timeoutMs = 5000): Promise<IncomingCall> {
    return new Promise<IncomingCall>((resolve, reject) => {
      const onCall = (call: IncomingCall) => {
        if (action !== undefined && call.action !== action) return;
        clearTimeout(timer);
        this.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.off('call', onCall);
        reject(new Error(`${this.id}: no ${action ?? ''} CALL from the CSMS within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('call', onCall);
    });
  }

  // --- outgoing CALLs --------------------------------------------------------------------------

  /**
   * Send a CALL and resolve with the CALLRESULT payload. Rejects with OcppCallError (CALLERROR),
   * CallTimeoutError or NotConnectedError. Calls are sent one at a time, in order.
   */
  call<T = Payload>(action: string, payload: Payload = {}, options: { timeoutMs?: number } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.isOpen || this.silent) {
        reject(new NotConnectedError(`${this.id}: cannot send ${action}, ${this.silent ? 'station is silent' : 'not connected'}`));
        return;
      }
      this.queue.push({
        id: '',
        action,
        payload,
        timeoutMs: options.timeoutMs ?? this.options.callTimeoutMs ?? 30_000,
        enqueuedAt: performance.now(),
        sentAt: 0,
        timer: undefined,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  async boot(reason: string = 'PowerUp'): Promise<BootResponse> {
    const payload: Payload =
      this.version === '1.6'
        ? {
            chargePointVendor: this.vendor,
            chargePointModel: this.model,
            chargePointSerialNumber: this.serial,
            firmwareVersion: this.firmware,
          }
        : {
            chargingStation: {
              vendorName: this.vendor,
              model: this.model,
              serialNumber: this.serial,
              firmwareVersion: this.firmware,
            },
            reason,
          };
    const res = await this.call<BootResponse>('BootNotification', payload);
    this.registration = res.status;
    this.serverIntervalSec = typeof res.interval === 'number' ? res.interval : 0;
    if (res.status === 'Accepted' && this.serverIntervalSec > 0) {
      this.setConfigValue(this.version === '1.6' ? 'HeartbeatInterval' : 'OCPPCommCtrlr.HeartbeatInterval', String(this.serverIntervalSec));
    }
    this.emit('boot', res);
    return res;
  }

  heartbeat(): Promise<{ currentTime: string }> {
    return this.call('Heartbeat', {});
  }

  /**
   * StatusNotification for a connector in 1.6 numbering. For 2.x, connector N is sent as evseId N,
   * connectorId 1, and 1.6-only statuses (Preparing, Charging, SuspendedEV/EVSE, Finishing) become Occupied.
   * For 1.6, 'Occupied' is sent as 'Preparing'. `errorCode` is 1.6 only (default NoError).
   */
  statusNotification(connectorId: number, status: string, errorCode?: string): Promise<Payload> {
    this.connectorStatus.set(connectorId, status);
    return this.call('StatusNotification', this.statusPayload(connectorId, status, errorCode));
  }

  statusPayload(connectorId: number, status: string, errorCode?: string): Payload {
    const timestamp = new Date().toISOString();
    if (this.version === '1.6') {
      return {
        connectorId,
        errorCode: errorCode ?? 'NoError',
        status: status === 'Occupied' ? 'Preparing' : status,
        timestamp,
      };
    }
    if (connectorId < 1) throw new RangeError(`${this.id}: OCPP ${this.version} has no connector ${connectorId} status`);
    return { timestamp, connectorStatus: OCPP16_TO_2X_STATUS[status] ?? status, evseId: connectorId, connectorId: 1 };
  }

  /** StatusNotification for connectors 1..n (and 0 for 1.6 when includeZero). */
  async sendAllStatuses(status: string, options: { includeZero?: boolean } = {}): Promise<void> {
    const jobs: Promise<Payload>[] = [];
    if (options.includeZero && this.version === '1.6') jobs.push(this.statusNotification(0, status));
    for (let c = 1; c <= this.connectors; c++) jobs.push(this.statusNotification(c, status));
    await Promise.all(jobs);
  }

  /** MeterValues with one energy register sample. `transactionId` is sent by 1.6 only (2.x has none here). */
  meterValues(connectorId: number, energyWh = 0, transactionId?: number): Promise<Payload> {
    const timestamp = new Date().toISOString();
    if (this.version === '1.6') {
      const payload: Payload = {
        connectorId,
        meterValue: [{ timestamp, sampledValue: [{ value: String(energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
      };
      if (transactionId !== undefined) payload.transactionId = transactionId;
      return this.call('MeterValues', payload);
    }
    return this.call('MeterValues', {
      evseId: connectorId,
      meterValue: [{ timestamp, sampledValue: [{ value: energyWh, measurand: 'Energy.Active.Import.Register' }] }],
    });
  }

  /** OCPP 1.6 StartTransaction; resolves with the answer ({ transactionId, idTagInfo }). */
  startTransaction(connectorId: number, idTag: string, meterStartWh: number, options: { reservationId?: number } = {}): Promise<Payload> {
    if (this.version !== '1.6') return Promise.reject(this.wrongVersion('StartTransaction'));
    const payload: Payload = { connectorId, idTag, meterStart: Math.round(meterStartWh), timestamp: new Date().toISOString() };
    if (options.reservationId !== undefined) payload.reservationId = options.reservationId;
    return this.call('StartTransaction', payload);
  }

  /** OCPP 1.6 StopTransaction; `reason` is a 1.6 Reason (default Local). */
  stopTransaction(transactionId: number, meterStopWh: number, options: { idTag?: string; reason?: string } = {}): Promise<Payload> {
    if (this.version !== '1.6') return Promise.reject(this.wrongVersion('StopTransaction'));
    const payload: Payload = { transactionId, meterStop: Math.round(meterStopWh), timestamp: new Date().toISOString(), reason: options.reason ?? 'Local' };
    if (options.idTag !== undefined) payload.idTag = options.idTag;
    return this.call('StopTransaction', payload);
  }

  /**
   * OCPP 2.x TransactionEvent for EVSE `evseId` (connector 1) with an energy register sample when `energyWh`
   * is given. Started carries the id token; Ended carries `stoppedReason` (default Local).
   */
  transactionEvent(
    eventType: 'Started' | 'Updated' | 'Ended',
    fields: { transactionId: string; evseId: number; seqNo: number; triggerReason: string; energyWh?: number; idToken?: string; chargingState?: string; stoppedReason?: string },
  ): Promise<Payload> {
    if (this.version === '1.6') return Promise.reject(this.wrongVersion('TransactionEvent'));
    const timestamp = new Date().toISOString();
    const transactionInfo: Payload = { transactionId: fields.transactionId };
    if (fields.chargingState !== undefined) transactionInfo.chargingState = fields.chargingState;
    if (eventType === 'Ended') transactionInfo.stoppedReason = fields.stoppedReason ?? 'Local';
    const payload: Payload = { eventType, timestamp, triggerReason: fields.triggerReason, seqNo: fields.seqNo, transactionInfo };
    if (eventType === 'Started') payload.evse = { id: fields.evseId, connectorId: 1 };
    if (fields.idToken !== undefined) payload.idToken = { idToken: fields.idToken, type: 'ISO14443' };
    if (fields.energyWh !== undefined) {
      const context = eventType === 'Started' ? 'Transaction.Begin' : eventType === 'Ended' ? 'Transaction.End' : 'Sample.Periodic';
      payload.meterValue = [{ timestamp, sampledValue: [{ value: fields.energyWh, measurand: 'Energy.Active.Import.Register', context }] }];
    }
    return this.call('TransactionEvent', payload);
  }

  private wrongVersion(action: string): Error {
    return new Error(`${this.id}: ${action} does not exist in OCPP ${this.version}`);
  }

  /**
   * Boot like a real charger: BootNotification; while Pending/Rejected wait for the interval
   * (or a TriggerMessage BootNotification) and boot again; then StatusNotification for every
   * connector; then the heartbeat loop. Resolves once accepted and the statuses are sent; the
   * heartbeat loop keeps running until the connection closes. Rejects if a boot CALL fails.
   */
  async runBootSequence(options: BootSequenceOptions = {}): Promise<BootResponse> {
    if (options.heartbeatIntervalSec !== undefined) this.heartbeatOverrideSec = options.heartbeatIntervalSec;
    let res = await this.boot('PowerUp');
    while (res.status !== 'Accepted') {
      const waitSec = res.interval > 0 ? res.interval : (this.options.bootRetrySec ?? 10);
      const triggered = await this.waitForBootRetry(waitSec * 1000);
      if (!this.isOpen || this.silent) throw new NotConnectedError(`${this.id}: connection lost while ${res.status}`);
      res = await this.boot(triggered ? 'Triggered' : 'PowerUp');
    }
    const jobs: Promise<unknown>[] = [];
    if (options.includeConnectorZero && this.version === '1.6') {
      jobs.push(this.statusNotification(0, typeof options.initialStatus === 'string' ? options.initialStatus : 'Available'));
    }
    for (let c = 1; c <= this.connectors; c++) {
      const s = typeof options.initialStatus === 'function' ? options.initialStatus(c) : (options.initialStatus ?? 'Available');
      jobs.push(Array.isArray(s) ? this.statusNotification(c, s[0], s[1]) : this.statusNotification(c, s));
    }
    await Promise.all(jobs);
    if (options.initialHeartbeat) await this.heartbeat();
    if (!options.noHeartbeatLoop) this.startHeartbeat();
    return res;
  }

  /** (Re)start the heartbeat loop: override interval, else the server's, else 60 s. */
  startHeartbeat(intervalSec?: number): void {
    if (intervalSec !== undefined) this.heartbeatOverrideSec = intervalSec;
    this.stopHeartbeat();
    const sec = this.effectiveHeartbeatSec();
    this.heartbeatLoopSec = sec;
    this.scheduleHeartbeat(sec * 1000);
  }

  stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.heartbeatLoopSec = 0;
  }

  get heartbeatRunning(): boolean {
    return this.heartbeatTimer !== undefined;
  }

  effectiveHeartbeatSec(): number {
    if (this.heartbeatOverrideSec !== undefined && this.heartbeatOverrideSec > 0) return this.heartbeatOverrideSec;
    const configured = Number(this.config.get(this.version === '1.6' ? 'HeartbeatInterval' : 'OCPPCommCtrlr.HeartbeatInterval')?.value);
    if (configured > 0) return configured;
    return this.serverIntervalSec > 0 ? this.serverIntervalSec : 60;
  }

  // --- incoming CALL handlers ------------------------------------------------------------------

  /** Register a handler for a CSMS CALL, replacing the default. Return the response payload, NO_REPLY, or throw OcppCallError. */
  onCall(action: string, handler: CallHandler): this {
    this.handlers.set(action, handler);
    return this;
  }

  offCall(action: string): this {
    this.handlers.delete(action);
    return this;
  }

  // --- internals -------------------------------------------------------------------------------

  private emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private sendText(text: string, cb?: (err?: Error) => void): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new NotConnectedError(`${this.id}: not connected`);
    if (this.silent) throw new NotConnectedError(`${this.id}: station is silent`);
    if (this.listenerCount('frame') > 0) this.emit('frame', 'out', text);
    ws.send(text, cb ?? noop);
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || !this.isOpen || this.silent) return;
    const c = this.queue.shift()!;
    c.id = randomUUID();
    this.current = c;
    let text: string;
    try {
      text = JSON.stringify([MessageType.CALL, c.id, c.action, c.payload]);
    } catch (err) {
      this.finish(c, err as Error, undefined, 'send');
      return;
    }
    c.sentAt = performance.now();
    c.timer = setTimeout(() => this.onCallTimeout(c), c.timeoutMs);
    try {
      this.sendText(text, (err) => {
        if (err && this.current === c) this.finish(c, err, undefined, 'send');
      });
    } catch (err) {
      this.finish(c, err as Error, undefined, 'send');
    }
  }

  private onCallTimeout(c: PendingCall): void {
    if (this.current !== c) return;
    this.timedOutIds.add(c.id);
    if (this.timedOutIds.size > 64) this.timedOutIds.delete(this.timedOutIds.values().next().value!);
    this.finish(c, new CallTimeoutError(c.action, c.id, c.timeoutMs), undefined, 'timeout');
  }

  private finish(c: PendingCall, err: Error | undefined, result: unknown, kind?: CallCompletion['error']): void {
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    if (this.current === c) this.current = null;
    const now = performance.now();
    if (this.listenerCount('callComplete') > 0) {
      const info: CallCompletion = {
        action: c.action,
        messageId: c.id,
        ok: !err,
        latencyMs: c.sentAt ? now - c.sentAt : 0,
        queuedMs: (c.sentAt || now) - c.enqueuedAt,
      };
      if (kind) info.error = kind;
      if (err instanceof OcppCallError) info.errorCode = err.code;
      this.emit('callComplete', info);
    }
    if (err) c.reject(err);
    else c.resolve(result);
    this.pump();
  }

  private failAll(makeErr: () => Error, kind: CallCompletion['error']): void {
    const pending = this.current ? [this.current, ...this.queue] : [...this.queue];
    this.queue.length = 0;
    this.current = null;
    for (const c of pending) {
      if (c.timer) clearTimeout(c.timer);
      c.timer = undefined;
      this.finish(c, makeErr(), undefined, kind);
    }
  }

  private rejectFrameWaiters(err: Error): void {
    const waiters = this.frameWaiters;
    this.frameWaiters = [];
    for (const w of waiters) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private onClosed(info: CloseInfo): void {
    this.stopHeartbeat();
    this.failAll(() => new NotConnectedError(`${this.id}: connection closed (${info.code})`), 'closed');
    this.rejectFrameWaiters(new NotConnectedError(`${this.id}: connection closed (${info.code})`));
    this.bootWake?.(false);
  }

  private handleFrame(text: string): void {
    if (this.listenerCount('frame') > 0) this.emit('frame', 'in', text);
    let msg: unknown;
    let parsed = true;
    try {
      msg = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (this.frameWaiters.length > 0) {
      const remaining: FrameWaiter[] = [];
      for (const w of this.frameWaiters) {
        let match = true;
        if (w.filter) {
          try {
            match = w.filter(parsed ? msg : undefined, text);
          } catch {
            match = false;
          }
        }
        if (match) {
          if (w.timer) clearTimeout(w.timer);
          w.resolve(text);
        } else remaining.push(w);
      }
      this.frameWaiters = remaining;
    }
    if (!parsed) {
      this.emit('protocolError', 'frame is not valid JSON', text);
      return;
    }
    if (!Array.isArray(msg)) {
      this.emit('protocolError', 'frame is not a JSON array', text);
      return;
    }
    const type = msg[0];
    const id = msg[1];
    const formatError = this.version === '1.6' ? 'FormationViolation' : 'FormatViolation';
    if (type === MessageType.CALL) {
      if (typeof id !== 'string' || id.length === 0 || id.length > 36) {
        this.emit('protocolError', 'CALL with invalid message id', text);
        if (this.version !== '1.6') this.sendCallErrorSafe('-1', 'RpcFrameworkError', 'invalid message id');
        return;
      }
      const action = msg[2];
      const payload = msg[3];
      if (msg.length !== 4 || typeof action !== 'string' || !isPlainObject(payload)) {
        this.emit('protocolError', 'malformed CALL', text);
        this.sendCallErrorSafe(id, formatError, 'CALL must be [2, id, action, {payload}]');
        return;
      }
      this.handleIncomingCall(id, action, payload);
      return;
    }
    if (type === MessageType.CALLRESULT || type === MessageType.CALLERROR) {
      const c = this.current;
      if (!c || typeof id !== 'string' || c.id !== id) {
        const late = typeof id === 'string' && this.timedOutIds.delete(id);
        this.emit('protocolError', late ? `late answer to timed-out CALL ${id}` : `answer to unknown message id ${String(id)}`, text);
        return;
      }
      if (type === MessageType.CALLRESULT) {
        if (msg.length !== 3 || !isPlainObject(msg[2])) {
          this.emit('protocolError', 'malformed CALLRESULT', text);
          this.finish(c, new OcppCallError(formatError, `malformed CALLRESULT: ${text.slice(0, 200)}`), undefined, 'callerror');
          return;
        }
        this.finish(c, undefined, msg[2]);
      } else {
        const code = typeof msg[2] === 'string' ? msg[2] : 'GenericError';
        const description = typeof msg[3] === 'string' ? msg[3] : '';
        const details = isPlainObject(msg[4]) ? (msg[4] as Payload) : {};
        if (msg.length !== 5 || typeof msg[2] !== 'string' || typeof msg[3] !== 'string' || !isPlainObject(msg[4])) {
          this.emit('protocolError', 'malformed CALLERROR', text);
        }
        this.finish(c, new OcppCallError(code, description, details), undefined, 'callerror');
      }
      return;
    }
    if (this.version === '2.1' && type === MessageType.CALLRESULTERROR) {
      this.emit('protocolError', 'CALLRESULTERROR received (the CSMS rejected one of our responses)', text);
      return;
    }
    if (this.version === '2.1' && type === MessageType.SEND) {
      this.emit('protocolError', 'SEND from the CSMS is not expected', text);
      return;
    }
    this.emit('protocolError', `unknown message type ${String(type)}`, text);
  }

  private handleIncomingCall(messageId: string, action: string, payload: Payload): void {
    this.emit('call', { messageId, action, payload });
    const handler = this.handlers.get(action) ?? (this.version === '1.6' ? DEFAULT_HANDLERS_16 : DEFAULT_HANDLERS_2X)[action];
    if (!handler) {
      this.sendCallErrorSafe(messageId, 'NotImplemented', `${action} is not implemented by the simulator`);
      return;
    }
    const afters: Array<() => void> = [];
    const ctx: CallContext = { station: this, messageId, action, after: (fn) => void afters.push(fn) };
    let result: unknown;
    try {
      result = handler(payload, ctx);
    } catch (err) {
      this.replyError(messageId, err);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (r) => this.reply(messageId, r, afters),
        (err) => this.replyError(messageId, err),
      );
    } else {
      this.reply(messageId, result, afters);
    }
  }

  private reply(messageId: string, result: unknown, afters: Array<() => void>): void {
    if (result === NO_REPLY) return;
    if (!this.isOpen || this.silent) return;
    try {
      this.sendText(JSON.stringify([MessageType.CALLRESULT, messageId, result ?? {}]));
    } catch (err) {
      this.emitError(err as Error);
      return;
    }
    for (const fn of afters) {
      try {
        fn();
      } catch (err) {
        this.emitError(err as Error);
      }
    }
  }

  private replyError(messageId: string, err: unknown): void {
    if (err instanceof OcppCallError) this.sendCallErrorSafe(messageId, err.code, err.description, err.details);
    else this.sendCallErrorSafe(messageId, 'InternalError', err instanceof Error ? err.message : String(err));
  }

  private sendCallErrorSafe(messageId: string, code: string, description: string, details: Payload = {}): void {
    if (!this.isOpen || this.silent) return;
    try {
      this.sendText(JSON.stringify([MessageType.CALLERROR, messageId, code, description.slice(0, 255), details]));
    } catch (err) {
      this.emitError(err as Error);
    }
  }

  private scheduleHeartbeat(ms: number): void {
    this.heartbeatTimer = setTimeout(() => {
      if (!this.isOpen || this.silent) {
        this.heartbeatTimer = undefined;
        return;
      }
      // Next beat is scheduled once this one finishes, so a slow server never sees a pile-up.
      this.heartbeat().then(
        () => this.rescheduleHeartbeat(),
        () => this.rescheduleHeartbeat(),
      );
    }, ms);
  }

  private rescheduleHeartbeat(): void {
    if (this.heartbeatTimer === undefined || !this.isOpen || this.silent) return;
    this.scheduleHeartbeat(this.effectiveHeartbeatSec() * 1000);
  }

  /** Wait for the boot retry; resolves true when woken by TriggerMessage BootNotification. */
  private waitForBootRetry(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.bootWake = null;
        resolve(false);
      }, ms);
      this.bootWake = (triggered) => {
        clearTimeout(timer);
        this.bootWake = null;
        resolve(triggered);
      };
    });
  }

  /** Send the message a TriggerMessage asked for (called after the Accepted response went out). */
  sendTriggered(requestedMessage: string, connectorId?: number): void {
    const swallow = noop; // failures are visible through 'callComplete'
    switch (requestedMessage) {
      case 'BootNotification':
        if (this.bootWake) this.bootWake(true);
        else this.boot('Triggered').catch(swallow);
        return;
      case 'Heartbeat':
        this.heartbeat().catch(swallow);
        return;
      case 'StatusNotification': {
        const ids = connectorId !== undefined && (connectorId > 0 || this.version === '1.6') ? [connectorId] : range(1, this.connectors);
        for (const c of ids) this.statusNotification(c, this.connectorStatus.get(c) ?? 'Available').catch(swallow);
        return;
      }
      case 'MeterValues': {
        const ids = connectorId !== undefined && connectorId > 0 ? [connectorId] : range(1, this.connectors);
        for (const c of ids) this.meterValues(c, 0).catch(swallow);
        return;
      }
      case 'FirmwareStatusNotification':
        this.call('FirmwareStatusNotification', { status: 'Idle' }).catch(swallow);
        return;
      case 'DiagnosticsStatusNotification':
        this.call('DiagnosticsStatusNotification', { status: 'Idle' }).catch(swallow);
        return;
      case 'LogStatusNotification':
        this.call('LogStatusNotification', { status: 'Idle' }).catch(swallow);
        return;
    }
  }

  private initConfig(): void {
    const hb = String(this.options.heartbeatIntervalSec ?? 0);
    if (this.version === '1.6') {
      this.config.set('HeartbeatInterval', { value: hb, readonly: false });
      this.config.set('NumberOfConnectors', { value: String(this.connectors), readonly: true });
      this.config.set('MeterValueSampleInterval', { value: '60', readonly: false });
      this.config.set('ConnectionTimeOut', { value: '60', readonly: false });
      this.config.set('AuthorizeRemoteTxRequests', { value: 'false', readonly: false });
      this.config.set('SupportedFeatureProfiles', { value: 'Core,RemoteTrigger,SmartCharging', readonly: true });
    } else {
      this.config.set('OCPPCommCtrlr.HeartbeatInterval', { value: hb, readonly: false });
      this.config.set('SampledDataCtrlr.TxUpdatedInterval', { value: '60', readonly: false });
      this.config.set('AuthCtrlr.AuthorizeRemoteStart', { value: 'false', readonly: false });
      this.config.set('DeviceDataCtrlr.ItemsPerMessage', { value: '50', readonly: true });
      this.config.set('ChargingStation.Model', { value: this.model, readonly: true });
    }
  }

  /** Set a config value; updating the heartbeat interval reschedules a running heartbeat loop. */
  setConfigValue(key: string, value: string): void {
    const entry = this.config.get(key);
    if (entry) entry.value = value;
    else this.config.set(key, { value, readonly: false });
    if ((key === 'HeartbeatInterval' || key === 'OCPPCommCtrlr.HeartbeatInterval') && this.heartbeatTimer !== undefined) {
      const sec = this.effectiveHeartbeatSec();
      if (sec !== this.heartbeatLoopSec) this.startHeartbeat();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Default answers to CSMS CALLs (schema-valid for each version; see sim.test.ts)

function accepted(): Payload {
  return { status: 'Accepted' };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function availabilityAfter(ctx: CallContext, connectorIds: number[], operative: boolean): void {
  ctx.after(() => {
    for (const c of connectorIds) {
      ctx.station.statusNotification(c, operative ? 'Available' : 'Unavailable').catch(noop);
    }
  });
}

const DEFAULT_HANDLERS_16: Record<string, CallHandler> = {
  TriggerMessage(p, ctx) {
    const supported = ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues', 'FirmwareStatusNotification', 'DiagnosticsStatusNotification'];
    if (!supported.includes(p.requestedMessage)) return { status: 'NotImplemented' };
    ctx.after(() => ctx.station.sendTriggered(p.requestedMessage, typeof p.connectorId === 'number' ? p.connectorId : undefined));
    return accepted();
  },
  Reset: accepted,
  ChangeAvailability(p, ctx) {
    const c = Number(p.connectorId);
    availabilityAfter(ctx, c === 0 ? range(1, ctx.station.connectors) : [c], p.type === 'Operative');
    return accepted();
  },
  GetConfiguration(p, ctx) {
    const keys: string[] = Array.isArray(p.key) && p.key.length > 0 ? p.key : [...ctx.station.config.keys()];
    const configurationKey: Payload[] = [];
    const unknownKey: string[] = [];
    for (const key of keys) {
      const e = ctx.station.config.get(key);
      if (e) configurationKey.push({ key, readonly: e.readonly, value: e.value });
      else unknownKey.push(key);
    }
    const res: Payload = {};
    if (configurationKey.length) res.configurationKey = configurationKey;
    if (unknownKey.length) res.unknownKey = unknownKey;
    return res;
  },
  ChangeConfiguration(p, ctx) {
    const e = ctx.station.config.get(p.key);
    if (!e) return { status: 'NotSupported' };
    if (e.readonly) return { status: 'Rejected' };
    ctx.station.setConfigValue(p.key, String(p.value));
    return accepted();
  },
  ClearCache: accepted,
  UnlockConnector: () => ({ status: 'Unlocked' }),
  RemoteStartTransaction: accepted,
  RemoteStopTransaction: () => ({ status: 'Rejected' }), // the simulator never has a transaction
  SetChargingProfile: accepted,
  ClearChargingProfile: accepted,
  GetCompositeSchedule: (p) => ({
    status: 'Accepted',
    connectorId: p.connectorId,
    scheduleStart: new Date().toISOString(),
    chargingSchedule: {
      duration: p.duration,
      chargingRateUnit: p.chargingRateUnit ?? 'A',
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
    },
  }),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  GetLocalListVersion: () => ({ listVersion: 0 }),
  SendLocalList: accepted,
  ReserveNow: accepted,
  CancelReservation: accepted,
  GetDiagnostics: () => ({}),
  UpdateFirmware: () => ({}),
};

function variableKey(item: Payload): string {
  return `${item?.component?.name}.${item?.variable?.name}`;
}

const DEFAULT_HANDLERS_2X: Record<string, CallHandler> = {
  TriggerMessage(p, ctx) {
    const supported = ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues', 'FirmwareStatusNotification', 'LogStatusNotification'];
    if (!supported.includes(p.requestedMessage)) return { status: 'NotImplemented' };
    ctx.after(() => ctx.station.sendTriggered(p.requestedMessage, typeof p.evse?.id === 'number' ? p.evse.id : undefined));
    return accepted();
  },
  Reset: accepted,
  ChangeAvailability(p, ctx) {
    const evse = typeof p.evse?.id === 'number' ? p.evse.id : 0;
    availabilityAfter(ctx, evse === 0 ? range(1, ctx.station.connectors) : [evse], p.operationalStatus === 'Operative');
    return accepted();
  },
  GetVariables(p, ctx) {
    const items: Payload[] = Array.isArray(p.getVariableData) ? p.getVariableData : [];
    return {
      getVariableResult: items.map((item) => {
        const e = ctx.station.config.get(variableKey(item));
        const known = e !== undefined;
        const componentKnown = [...ctx.station.config.keys()].some((k) => k.startsWith(`${item?.component?.name}.`));
        const r: Payload = {
          attributeStatus: known ? 'Accepted' : componentKnown ? 'UnknownVariable' : 'UnknownComponent',
          component: item.component,
          variable: item.variable,
        };
        if (item.attributeType) r.attributeType = item.attributeType;
        if (known) r.attributeValue = e.value;
        return r;
      }),
    };
  },
  SetVariables(p, ctx) {
    const items: Payload[] = Array.isArray(p.setVariableData) ? p.setVariableData : [];
    return {
      setVariableResult: items.map((item) => {
        const key = variableKey(item);
        const e = ctx.station.config.get(key);
        const componentKnown = [...ctx.station.config.keys()].some((k) => k.startsWith(`${item?.component?.name}.`));
        let attributeStatus = 'Accepted';
        if (!e) attributeStatus = componentKnown ? 'UnknownVariable' : 'UnknownComponent';
        else if (e.readonly) attributeStatus = 'Rejected';
        else ctx.station.setConfigValue(key, String(item.attributeValue));
        const r: Payload = { attributeStatus, component: item.component, variable: item.variable };
        if (item.attributeType) r.attributeType = item.attributeType;
        return r;
      }),
    };
  },
  GetBaseReport(p, ctx) {
    ctx.after(() => {
      const reportData = [...ctx.station.config.entries()].map(([key, e]) => {
        const dot = key.indexOf('.');
        return {
          component: { name: key.slice(0, dot) },
          variable: { name: key.slice(dot + 1) },
          variableAttribute: [{ type: 'Actual', value: e.value, mutability: e.readonly ? 'ReadOnly' : 'ReadWrite' }],
        };
      });
      ctx.station
        .call('NotifyReport', { requestId: p.requestId, generatedAt: new Date().toISOString(), seqNo: 0, tbc: false, reportData })
        .catch(noop);
    });
    return accepted();
  },
  ClearCache: accepted,
  UnlockConnector: () => ({ status: 'Unlocked' }),
  RequestStartTransaction: accepted,
  RequestStopTransaction: () => ({ status: 'Rejected' }), // the simulator never has a transaction
  SetChargingProfile: accepted,
  ClearChargingProfile: accepted,
  GetChargingProfiles: () => ({ status: 'NoProfiles' }),
  GetCompositeSchedule: (p) => ({
    status: 'Accepted',
    schedule: {
      evseId: p.evseId,
      duration: p.duration,
      scheduleStart: new Date().toISOString(),
      chargingRateUnit: p.chargingRateUnit ?? 'A',
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
    },
  }),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  GetLocalListVersion: () => ({ versionNumber: 0 }),
  SendLocalList: accepted,
  ReserveNow: accepted,
  CancelReservation: accepted,
  GetTransactionStatus: () => ({ messagesInQueue: false }),
};

// ---------------------------------------------------------------------------------------------
// helpers

export function joinUrl(base: string, id: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(id)}`;
}

function isPlainObject(v: unknown): v is Payload {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
