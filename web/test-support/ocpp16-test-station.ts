// A minimal OCPP 1.6-J charging station for the browser test: sends CALLs and answers the
// server's CALLs with plain "Accepted"-style results (or NotImplemented).

import WebSocket from 'ws';

type Json = Record<string, unknown>;

const CALL = 2;
const CALL_RESULT = 3;
const CALL_ERROR = 4;
const CALL_TIMEOUT_MS = 10_000;

interface PendingCall {
  action: string;
  resolve(payload: Json): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Ocpp16TestStation {
  readonly id: string;
  /** Actions of the CALLs the server sent to this station, in order. */
  readonly receivedCalls: string[] = [];
  #socket: WebSocket;
  #pending = new Map<string, PendingCall>();
  #nextId = 1;

  private constructor(id: string, socket: WebSocket) {
    this.id = id;
    this.#socket = socket;
    socket.on('message', (data) => this.#onMessage(String(data)));
    socket.on('close', () => {
      for (const call of this.#pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error(`${this.id}: socket closed before ${call.action} was answered`));
      }
      this.#pending.clear();
    });
  }

  static async connect(url: string, id: string): Promise<Ocpp16TestStation> {
    const socket = new WebSocket(url, ['ocpp1.6']);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`${id}: websocket upgrade refused with HTTP ${response.statusCode}`)),
      );
    });
    if (socket.protocol !== 'ocpp1.6') throw new Error(`${id}: server chose subprotocol "${socket.protocol}", expected ocpp1.6`);
    return new Ocpp16TestStation(id, socket);
  }

  call(action: string, payload: Json): Promise<Json> {
    const messageId = `${this.id}-${this.#nextId++}`;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(messageId);
        reject(new Error(`${this.id}: no answer to ${action} within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(messageId, { action, resolve, reject, timer });
      this.#socket.send(JSON.stringify([CALL, messageId, action, payload]));
    });
  }

  bootNotification(fields: { vendor: string; model: string; firmwareVersion: string; serialNumber: string }): Promise<Json> {
    return this.call('BootNotification', {
      chargePointVendor: fields.vendor,
      chargePointModel: fields.model,
      firmwareVersion: fields.firmwareVersion,
      chargePointSerialNumber: fields.serialNumber,
    });
  }

  statusNotification(connectorId: number, status: string, errorCode = 'NoError'): Promise<Json> {
    return this.call('StatusNotification', { connectorId, status, errorCode, timestamp: new Date().toISOString() });
  }

  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.close(1000);
    await closed;
  }

  #onMessage(text: string): void {
    const message = JSON.parse(text) as unknown[];
    const [type, messageId] = message as [number, string];
    if (type === CALL) {
      const action = String(message[2]);
      this.receivedCalls.push(action);
      this.#answerServerCall(messageId, action);
      return;
    }
    const call = this.#pending.get(messageId);
    if (!call) return;
    this.#pending.delete(messageId);
    clearTimeout(call.timer);
    if (type === CALL_RESULT) call.resolve((message[2] ?? {}) as Json);
    else if (type === CALL_ERROR) call.reject(new Error(`${this.id}: ${call.action} failed: ${String(message[2])} ${String(message[3])}`));
  }

  #answerServerCall(messageId: string, action: string): void {
    const results: Record<string, Json> = {
      TriggerMessage: { status: 'Accepted' },
      ChangeConfiguration: { status: 'Accepted' },
      ChangeAvailability: { status: 'Accepted' },
      GetConfiguration: { configurationKey: [], unknownKey: [] },
      UpdateFirmware: {},
      GetDiagnostics: { fileName: 'diagnostics.zip' },
    };
    const result = results[action];
    const reply = result
      ? [CALL_RESULT, messageId, result]
      : [CALL_ERROR, messageId, 'NotImplemented', `${action} is not implemented by the test station`, {}];
    this.#socket.send(JSON.stringify(reply));
  }
}
