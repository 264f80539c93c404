/** What the baseline and reference servers share: the websocket server, and a minimal schema-valid CALLRESULT for each CALL. */
import { WebSocketServer, type RawData } from 'ws';

const SUBPROTOCOLS = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];
let nextTransactionId = 1;

/** A minimal schema-valid CALLRESULT payload for a station's CALL. */
export function minimalAnswer(version: string, action: string): Record<string, unknown> {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
    case 'Heartbeat':
      return { currentTime: new Date().toISOString() };
    case 'Authorize':
      return version === 'ocpp1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { transactionId: nextTransactionId++, idTagInfo: { status: 'Accepted' } };
    case 'DataTransfer':
      return { status: 'Accepted' };
    default:
      // StatusNotification, MeterValues, StopTransaction, TransactionEvent and the notifications: an empty answer is valid.
      return {};
  }
}

/** A plain `ws` server that accepts every OCPP subprotocol, without compression. */
export function minimalOcppServer(host: string, port: number): WebSocketServer {
  return new WebSocketServer({
    host,
    port,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 4 * 1024 * 1024,
    handleProtocols: (offered) => {
      for (const p of offered) if (SUBPROTOCOLS.includes(p)) return p;
      return false;
    },
  });
}

/** A station's CALL, or undefined for anything else (ignored: these servers answer only what they understand). */
export function readCall(data: RawData, isBinary: boolean): { id: string; action: string; payload: unknown } | undefined {
  if (isBinary) return undefined;
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(msg) || msg[0] !== 2 || typeof msg[1] !== 'string' || typeof msg[2] !== 'string') return undefined;
  return { id: msg[1], action: msg[2], payload: msg[3] };
}
