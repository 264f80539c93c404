import { WebSocket } from 'ws';

/** A bare OCPP-J client for tests that need to send exact (also malformed) frames and read every answer. */
export class RawClient {
  readonly socket: WebSocket;
  private readonly inbox: unknown[][] = [];
  private waiters: Array<(frame: unknown[]) => void> = [];
  private counter = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as unknown[];
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.inbox.push(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string, subprotocol: string | string[] = 'ocpp1.6', headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, subprotocol, { headers });
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
      });
      socket.once('error', reject);
    });
  }

  next(timeoutMs = 3000): Promise<unknown[]> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('no frame received in time'));
      }, timeoutMs);
      const waiter = (frame: unknown[]) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push(waiter);
    });
  }

  sendRaw(text: string | Buffer, binary = false): void {
    this.socket.send(text, { binary });
  }

  /** Sends a CALL and returns the answer frame (CALLRESULT or CALLERROR). */
  async call(action: string, payload: unknown): Promise<unknown[]> {
    const id = `t${++this.counter}`;
    this.sendRaw(JSON.stringify([2, id, action, payload]));
    const frame = await this.next();
    if (frame[1] !== id) throw new Error(`answer for ${String(frame[1])}, expected ${id}: ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Answers the next CALL from the CSMS with `payload` and returns that CALL. */
  async answerNextCall(payload: unknown): Promise<unknown[]> {
    const frame = await this.next();
    if (frame[0] !== 2) throw new Error(`expected a CALL, got ${JSON.stringify(frame)}`);
    this.sendRaw(JSON.stringify([3, frame[1], payload]));
    return frame;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

const defaultHeadersByOrigin = new Map<string, Record<string, string>>();

/**
 * Headers the helpers below send to `origin` unless the call sets them itself: `startTestServer` registers
 * its admin API token here, so tests call the API signed in without saying so. `undefined` removes them.
 */
export function setDefaultHeaders(origin: string, headers: Record<string, string> | undefined): void {
  const key = new URL(origin).origin;
  if (headers) defaultHeadersByOrigin.set(key, headers);
  else defaultHeadersByOrigin.delete(key);
}

/** `init` with the default headers for `url` added under its own. */
export function withDefaultHeaders(url: string, init: RequestInit = {}): RequestInit {
  const defaults = defaultHeadersByOrigin.get(new URL(url).origin);
  if (!defaults) return init;
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(defaults)) if (!headers.has(name)) headers.set(name, value);
  return { ...init, headers };
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, withDefaultHeaders(url, init));
  return { status: res.status, body: await res.json() };
}

export function postJson(url: string, body?: unknown): Promise<{ status: number; body: any }> {
  return getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
