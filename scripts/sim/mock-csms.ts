/**
 * A tiny scripted CSMS for testing the simulator itself (not the real server).
 * It checks every frame the station sends: OCPP-J shape, unique message ids, at most one
 * outstanding station CALL, and payloads against the OCPP JSON schemas shipped with ocpp-rpc.
 * Problems are collected in `connection.violations` instead of failing inside the server.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import type { OcppVersion, Payload } from './station.ts';

const require = createRequire(import.meta.url);

interface CompiledSchemas {
  getSchema(id: string): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null } | undefined;
}
const schemaSets = new Map<OcppVersion, CompiledSchemas>();

/** The official OCPP JSON schemas as bundled with ocpp-rpc, compiled with ajv (quietly; numbers checked like ocpp-rpc does). */
function schemasFor(version: OcppVersion): CompiledSchemas {
  let set = schemaSets.get(version);
  if (!set) {
    // ajv as ocpp-rpc resolves it (ocpp-rpc pins an ajv whose URI handling accepts the schemas' "urn:X.req" ids).
    const fromRpc = createRequire(require.resolve('ocpp-rpc'));
    const Ajv = fromRpc('ajv');
    const addFormats = fromRpc('ajv-formats');
    const ajv = new (Ajv.default ?? Ajv)({ strictSchema: false, strictTypes: false, allErrors: false, logger: false });
    (addFormats.default ?? addFormats)(ajv);
    ajv.removeKeyword('multipleOf');
    ajv.addKeyword({
      keyword: 'multipleOf',
      type: 'number',
      errors: false,
      metaSchema: { type: 'number' },
      compile: (step: number) => (data: number) => Math.abs(Math.round(data / step) - data / step) < 1e-6,
    });
    ajv.addSchema(require(`ocpp-rpc/lib/schemas/ocpp${version.replace(/\./g, '_')}.json`));
    set = ajv as CompiledSchemas;
    schemaSets.set(version, set);
  }
  return set;
}

/** Validate an OCPP payload against the official JSON schema. Returns an error text or null. */
export function schemaError(version: OcppVersion, action: string, kind: 'request' | 'response', payload: unknown): string | null {
  // ocpp-rpc names 1.6 and 2.0.1 schemas urn:X.req / urn:X.conf, and 2.1 schemas urn:XRequest / urn:XResponse.
  const id = version === '2.1' ? `urn:${action}${kind === 'request' ? 'Request' : 'Response'}` : `urn:${action}.${kind === 'request' ? 'req' : 'conf'}`;
  const validate = schemasFor(version).getSchema(id);
  if (!validate) return `${action} ${kind} (${version}): no such message in the OCPP ${version} schemas`;
  if (validate(payload)) return null;
  const details = (validate.errors ?? []).map((e) => `${e.instancePath || '(payload)'} ${e.message ?? ''}`).join('; ');
  return `${action} ${kind} (${version}) violates schema: ${details}`;
}

export const MOCK_NO_REPLY: unique symbol = Symbol('MOCK_NO_REPLY');

export class MockCallError extends Error {
  readonly code: string;
  readonly details: Payload;
  constructor(code: string, message = '', details: Payload = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export type MockCallHandler = (conn: MockConnection, action: string, payload: Payload) => unknown;

export interface MockCsmsOptions {
  /** Answer a station CALL; return the payload, MOCK_NO_REPLY, undefined (= default answer) or throw MockCallError. */
  onCall?: MockCallHandler;
  /** Delay every answer by this many ms. */
  responseDelayMs?: number;
  /** Heartbeat interval given in the default boot answer. Default 60. */
  interval?: number;
  /** Accept the handshake? Default: always. Return an HTTP status to refuse. */
  authorize?: (req: IncomingMessage) => true | number;
  /** Subprotocols this CSMS supports. Default all three. */
  protocols?: string[];
}

export interface Handshake {
  path: string;
  id: string;
  offeredProtocols: string[];
  headers: IncomingMessage['headers'];
}

export type CsmsCallOutcome =
  | { type: 'result'; payload: Payload; text: string }
  | { type: 'error'; code: string; description: string; details: Payload; text: string };

export function defaultAnswer(version: OcppVersion, action: string, interval = 60): unknown {
  const now = new Date().toISOString();
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now, interval };
    case 'Heartbeat':
      return { currentTime: now };
    case 'Authorize':
      return version === '1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StatusNotification':
    case 'MeterValues':
    case 'FirmwareStatusNotification':
    case 'DiagnosticsStatusNotification':
    case 'LogStatusNotification':
    case 'NotifyReport':
      return {};
    default:
      throw new MockCallError('NotImplemented', `mock CSMS does not implement ${action}`);
  }
}

export class MockConnection {
  readonly id: string;
  readonly version: OcppVersion;
  readonly ws: WebSocket;
  /** Every frame received from the station, in order. */
  readonly frames: string[] = [];
  /** The station's CALLs, in order. */
  readonly calls: Array<{ messageId: string; action: string; payload: Payload; at: number }> = [];
  readonly violations: string[] = [];
  /** Highest number of station CALLs that were unanswered at the same time. */
  maxOutstanding = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private outstanding = new Set<string>();
  private seenIds = new Set<string>();
  private csmsCalls = new Map<string, { action: string; resolve: (o: CsmsCallOutcome) => void; timer: ReturnType<typeof setTimeout> }>();
  private waiters: Array<{ filter: (msg: any[]) => boolean; resolve: (msg: any[]) => void }> = [];
  private nextCsmsId = 1;
  private readonly csms: MockCsms;

  constructor(csms: MockCsms, id: string, version: OcppVersion, ws: WebSocket) {
    this.csms = csms;
    this.id = id;
    this.version = version;
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => this.onFrame(String(data)));
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** Resolve with the next parsed frame matching `filter` (already-received frames do not count). */
  nextMessage(filter: (msg: any[]) => boolean = () => true, timeoutMs = 5000): Promise<any[]> {
    return new Promise((resolve, reject) => {
      const w = {
        filter,
        resolve: (m: any[]) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`mock CSMS: no matching frame from ${this.id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  nextCall(action: string, timeoutMs = 5000): Promise<any[]> {
    return this.nextMessage((m) => m[0] === 2 && m[2] === action, timeoutMs);
  }

  /** Send a CALL to the station and resolve with its answer. */
  call(action: string, payload: Payload, timeoutMs = 5000): Promise<CsmsCallOutcome> {
    const messageId = `csms-${this.nextCsmsId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.csmsCalls.delete(messageId);
        reject(new Error(`mock CSMS: station ${this.id} did not answer ${action} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.csmsCalls.set(messageId, { action, resolve, timer });
      this.ws.send(JSON.stringify([2, messageId, action, payload]));
    });
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Ping the station; resolves true if a pong arrives within timeoutMs. */
  ping(timeoutMs = 500): Promise<boolean> {
    return new Promise((resolve) => {
      const onPong = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.ws.off('pong', onPong);
        resolve(false);
      }, timeoutMs);
      this.ws.once('pong', onPong);
      this.ws.ping();
    });
  }

  private violation(text: string): void {
    this.violations.push(text);
  }

  private onFrame(text: string): void {
    this.frames.push(text);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.violation(`not JSON: ${text}`);
      return;
    }
    if (!Array.isArray(msg)) {
      this.violation(`not an array: ${text}`);
      return;
    }
    for (const w of [...this.waiters]) {
      if (w.filter(msg)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(msg);
      }
    }
    const [type, messageId] = msg;
    if (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > 36) {
      this.violation(`bad message id ${JSON.stringify(messageId)} in ${text}`);
      return;
    }
    if (type === 2) {
      const [, , action, payload] = msg;
      if (msg.length !== 4 || typeof action !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        this.violation(`malformed CALL ${text}`);
        return;
      }
      if (this.seenIds.has(messageId)) this.violation(`duplicate message id ${messageId}`);
      this.seenIds.add(messageId);
      if (this.outstanding.size > 0) this.violation(`CALL ${action} sent while ${this.outstanding.size} CALL(s) unanswered`);
      this.outstanding.add(messageId);
      this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding.size);
      this.calls.push({ messageId, action, payload, at: Date.now() });
      const err = schemaError(this.version, action, 'request', payload);
      if (err) this.violation(err);
      this.answer(messageId, action, payload);
      return;
    }
    if (type === 3 || type === 4) {
      const pending = this.csmsCalls.get(messageId);
      if (!pending) {
        this.violation(`answer to unknown id ${messageId}: ${text}`);
        return;
      }
      this.csmsCalls.delete(messageId);
      clearTimeout(pending.timer);
      if (type === 3) {
        if (msg.length !== 3) this.violation(`malformed CALLRESULT ${text}`);
        const err = schemaError(this.version, pending.action, 'response', msg[2]);
        if (err) this.violation(err);
        pending.resolve({ type: 'result', payload: msg[2], text });
      } else {
        if (msg.length !== 5 || typeof msg[2] !== 'string' || typeof msg[3] !== 'string' || typeof msg[4] !== 'object') {
          this.violation(`malformed CALLERROR ${text}`);
        }
        pending.resolve({ type: 'error', code: msg[2], description: msg[3], details: msg[4], text });
      }
      return;
    }
    this.violation(`unexpected message type ${String(type)}: ${text}`);
  }

  private answer(messageId: string, action: string, payload: Payload): void {
    const send = (frame: unknown[]) => {
      this.outstanding.delete(messageId);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
    };
    const run = async () => {
      let result: unknown;
      try {
        result = this.csms.options.onCall ? await this.csms.options.onCall(this, action, payload) : undefined;
        if (result === undefined) result = defaultAnswer(this.version, action, this.csms.options.interval);
      } catch (err) {
        if (err instanceof MockCallError) send([4, messageId, err.code, err.message, err.details]);
        else send([4, messageId, 'InternalError', String(err), {}]);
        return;
      }
      if (result === MOCK_NO_REPLY) return; // stays outstanding as far as the mock knows
      send([3, messageId, result]);
    };
    const delay = this.csms.options.responseDelayMs ?? 0;
    if (delay > 0) setTimeout(() => void run(), delay);
    else void run();
  }

  /** Forget an unanswered CALL (after deliberately not answering it). */
  forget(messageId: string): void {
    this.outstanding.delete(messageId);
  }
}

export class MockCsms {
  readonly options: MockCsmsOptions;
  readonly handshakes: Handshake[] = [];
  readonly connections: MockConnection[] = [];
  private wss!: WebSocketServer;
  private connWaiters: Array<{ id: string; resolve: (c: MockConnection) => void }> = [];
  port = 0;

  private constructor(options: MockCsmsOptions) {
    this.options = options;
  }

  static async start(options: MockCsmsOptions = {}): Promise<MockCsms> {
    const csms = new MockCsms(options);
    const supported = new Set(options.protocols ?? ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1']);
    csms.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => {
        for (const p of offered) if (supported.has(p)) return p;
        return false;
      },
      verifyClient: (info, cb) => {
        const res = options.authorize ? options.authorize(info.req) : true;
        if (res === true) cb(true);
        else cb(false, res, 'refused');
      },
    });
    await new Promise<void>((resolve, reject) => {
      csms.wss.once('listening', resolve);
      csms.wss.once('error', reject);
    });
    csms.port = (csms.wss.address() as AddressInfo).port;
    csms.wss.on('connection', (ws, req) => {
      const path = req.url ?? '';
      const id = decodeURIComponent(path.split('?')[0]!.split('/').filter(Boolean).pop() ?? '');
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      csms.handshakes.push({ path, id, offeredProtocols: offered, headers: req.headers });
      const version = ws.protocol.replace(/^ocpp/, '') as OcppVersion;
      const conn = new MockConnection(csms, id, version, ws);
      csms.connections.push(conn);
      for (const w of csms.connWaiters.filter((x) => x.id === id)) w.resolve(conn);
      csms.connWaiters = csms.connWaiters.filter((x) => x.id !== id);
    });
    return csms;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  byId(id: string): MockConnection | undefined {
    for (let i = this.connections.length - 1; i >= 0; i--) if (this.connections[i]!.id === id) return this.connections[i];
    return undefined;
  }

  waitForConnection(id: string, timeoutMs = 5000): Promise<MockConnection> {
    const existing = this.byId(id);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mock CSMS: ${id} did not connect within ${timeoutMs} ms`)), timeoutMs);
      this.connWaiters.push({
        id,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  /** All violations across connections, prefixed with the station id. */
  allViolations(): string[] {
    return this.connections.flatMap((c) => c.violations.map((v) => `${c.id}: ${v}`));
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
