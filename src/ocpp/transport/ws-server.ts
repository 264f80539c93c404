import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../log/logger.ts';
import type { Services } from '../../app/services.ts';
import { createDispatcher, type HandlerTable, type OcppSettings } from '../dispatcher.ts';
import { RpcConnection } from '../rpc/connection.ts';
import type { SchemaRegistry } from '../rpc/schemas.ts';
import type { SessionRegistry, StationSession } from '../sessions.ts';
import type { OcppVersion } from '../versions.ts';
import { receiveSend } from '../v2/ocpp21.ts';
import { redactSecrets } from '../redact.ts';
import { isoNow } from '../../platform/iso-now.ts';
import { readCredentials } from './credentials.ts';
import { readHandshake } from './handshake.ts';
import type { HandshakeLimiter } from './handshake-limiter.ts';
import { MessageRate } from './message-rate.ts';
import { KeepaliveSweep } from './keepalive.ts';

export interface OcppServerOptions {
  schemas: SchemaRegistry;
  sessions: SessionRegistry;
  services: Services;
  handlers: (version: OcppVersion) => HandlerTable;
  settings: OcppSettings;
  callTimeoutMs: number;
  keepaliveMs: number;
  maxMessageBytes: number;
  /** Messages a station may send per minute (bursts up to as many); beyond that it is disconnected. */
  maxMessagesPerMinute: number;
  limiter: HandshakeLimiter;
  /** The charger's address (the listeners know it for connections they hand on); default: the socket's peer. */
  remoteAddressOf?: (request: IncomingMessage) => string | null;
  log: Logger;
}

/** websocket close codes used when we end a station's connection. */
export const CloseCode = { normal: 1000, goingAway: 1001, policy: 1008 } as const;

const statusTexts: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function rejectUpgrade(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${statusTexts[status] ?? 'Error'}\r\nConnection: close\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

/**
 * Accepts charger websockets on the shared HTTP server and runs one RPC connection per station.
 * Half-open connections (a charger that lost power) are found by a websocket ping every keepalive period:
 * a connection with no traffic and no pong over a full period is terminated (keepalive.ts).
 */
export class OcppServer {
  private readonly wss: WebSocketServer;
  private readonly options: OcppServerOptions;
  private readonly keepalive: KeepaliveSweep;
  private accepting = true;

  constructor(options: OcppServerOptions) {
    this.options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (_protocols, request) => (request as IncomingMessage & { ocppSubprotocol?: string }).ocppSubprotocol ?? false,
    });
    this.keepalive = new KeepaliveSweep(options.keepaliveMs, () => options.sessions.all(), (session) => {
      options.log.info('station did not answer keepalive; closing its connection', { station: session.stationId });
      session.socket.terminate();
    });
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const log = this.options.log;
    const remoteAddress = this.options.remoteAddressOf ? this.options.remoteAddressOf(request) : (request.socket.remoteAddress ?? null);
    const ignoreErrors = () => undefined;
    socket.on('error', ignoreErrors);
    if (!this.accepting) return rejectUpgrade(socket, 503, 'shutting down');
    const handshake = readHandshake(request);
    if (!handshake.ok) {
      log.warn('charger connection refused', { reason: handshake.reason, remote: remoteAddress, url: request.url?.slice(0, 200) });
      return rejectUpgrade(socket, handshake.status, handshake.reason);
    }
    (request as IncomingMessage & { ocppSubprotocol?: string }).ocppSubprotocol = handshake.subprotocol;
    const { stationId } = handshake;
    const { security, securityEvents } = this.options.services;
    const { limiter } = this.options;
    const address = remoteAddress ?? 'unknown';

    const limited = limiter.check(address, stationId, security.lastAddress(stationId));
    if (limited) {
      if (limited.firstRefusal) {
        log.warn('charger connections refused for a while after repeated failed authentication', { station: stationId, remote: remoteAddress, by: limited.by });
        void securityEvents.own('HandshakeRateLimited', { stationId, techInfo: `too many failed authentications ${limited.by === 'address' ? `from ${address}` : `for this station id (latest from ${address})`}; refused for ${limited.retryAfterSeconds} s` });
      }
      return rejectUpgrade(socket, 429, 'too many failed authentication attempts; try again later', { 'Retry-After': String(limited.retryAfterSeconds) });
    }

    const refuse = (eventType: string, reason: string) => {
      limiter.failed(address, stationId);
      log.warn('charger authentication failed', { station: stationId, remote: remoteAddress, reason });
      void securityEvents.own(eventType, { stationId, techInfo: `${reason} (from ${address})` });
      rejectUpgrade(socket, 401, reason, { 'WWW-Authenticate': 'Basic realm="OCPP", charset="UTF-8"' });
    };
    const reading = readCredentials(request, stationId, remoteAddress);
    if (!reading.ok) return refuse('FailedStationAuthentication', reading.reason);

    // Authentication is asynchronous (scrypt); the charger may give up meanwhile. Until ws takes the socket over,
    // its errors (a reset while we answer 401) are ours to catch: Node's HTTP server stops listening on upgrades.
    let gone = false;
    const onGone = () => (gone = true);
    socket.on('error', onGone);
    socket.once('close', onGone);
    security
      .authenticate(reading.credentials)
      .then((decision) => {
        if (gone || socket.destroyed) return;
        if (!this.accepting) return rejectUpgrade(socket, 503, 'shutting down');
        if (!decision.ok) return refuse(decision.eventType, decision.reason);
        limiter.succeeded(stationId);
        socket.off('error', onGone);
        socket.off('error', ignoreErrors);
        socket.off('close', onGone);
        // Only now may this connection replace a session the station already has (see attach).
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          this.attach(ws, stationId, handshake.version, remoteAddress).catch((error) => {
            log.error('could not set up station session', { station: stationId, error });
            ws.terminate();
          });
        });
      })
      .catch((error: Error) => {
        log.error('could not authenticate a charger', { station: stationId, error: error.message });
        if (!socket.destroyed) rejectUpgrade(socket, 500, 'internal error');
      });
  }

  private async attach(ws: WebSocket, stationId: string, version: OcppVersion, remoteAddress: string | null): Promise<void> {
    const { services, sessions, schemas } = this.options;
    const { stations, messageLog, warnings } = services;
    const log = this.options.log.child({ station: stationId });
    const repaired = new Set<string>();
    const observe = services.metrics.ocpp.observer();
    const rpc = new RpcConnection({ send: (text) => ws.send(text) }, {
      version,
      schemas,
      callTimeoutMs: this.options.callTimeoutMs,
      log,
      handleCall: createDispatcher({ stationId, version, services, settings: this.options.settings, log }, this.options.handlers(version)),
      handleSend: (action, payload) => receiveSend(services, stationId, action, payload, log),
      onFrame: (frame) => {
        observe(frame);
        const { direction, messageType, messageId, action, payload } = frame;
        messageLog.append({ stationId, at: isoNow(), direction, messageType, messageId, action, payload: redactSecrets(payload) });
      },
      onRepair: (action, repairs) => {
        // Logged once per action and connection: a quirky charger repeats the same quirk on every message.
        if (repaired.has(action)) return;
        repaired.add(action);
        log.warn('accepted a non-conforming message after a safe repair', { action, repairs: repairs.slice(0, 3).join('; ') });
        warnings.add(stationId, 'non-conforming-message', `${action}: ${repairs.slice(0, 3).join('; ')}`);
      },
    });
    const session: StationSession = { stationId, version, rpc, socket: ws, remoteAddress, connectedAt: new Date(), alive: true, keepaliveSlot: this.keepalive.assignSlot() };

    // Frames that arrive before the session is fully registered are kept in order.
    const early: Array<() => void> = [];
    let ready = false;
    const rate = new MessageRate(this.options.maxMessagesPerMinute);
    let flooding = false;
    const deliver = (data: RawData, isBinary: boolean) => (isBinary ? rpc.receiveBinary() : rpc.receive(data.toString()));
    ws.on('message', (data, isBinary) => {
      session.alive = true;
      if (flooding) return;
      if (!rate.take()) {
        flooding = true;
        log.warn('station exceeded the message rate; disconnecting it', { perMinute: this.options.maxMessagesPerMinute });
        void services.securityEvents.own('MessageRateExceeded', { stationId, techInfo: `more than ${this.options.maxMessagesPerMinute} messages a minute; disconnected` });
        ws.close(CloseCode.policy, 'message rate exceeded');
        setTimeout(() => ws.terminate(), 2000).unref();
        return;
      }
      if (ready) deliver(data, isBinary);
      else early.push(() => deliver(data, isBinary));
    });
    ws.on('pong', () => {
      session.alive = true;
    });
    ws.on('error', (error) => log.warn('station socket error', { error }));
    ws.on('close', (code) => {
      rpc.close();
      if (sessions.remove(session)) {
        log.info('station disconnected', { code });
        stations.disconnected(stationId).catch((error) => log.error('could not record disconnect', { error }));
      }
    });

    const previous = sessions.replace(session);
    if (previous) {
      log.info('station reconnected; replacing its previous connection');
      previous.rpc.close('replaced by a newer connection of the same station');
      previous.socket.close(CloseCode.policy, 'replaced by a newer connection');
      setTimeout(() => previous.socket.terminate(), 2000).unref();
    }
    await stations.connected(stationId, version, remoteAddress);
    log.info('station connected', { ocpp: version, remote: remoteAddress });
    ready = true;
    for (const deliver of early.splice(0)) deliver();
  }

  /** Stops accepting and closes every station connection with "going away". */
  async close(): Promise<void> {
    this.accepting = false;
    this.keepalive.stop();
    const closing: Promise<void>[] = [];
    for (const session of this.options.sessions.all()) {
      closing.push(
        new Promise((resolve) => {
          session.socket.once('close', () => resolve());
          session.socket.close(CloseCode.goingAway, 'CSMS shutting down');
          setTimeout(() => {
            session.socket.terminate();
            resolve();
          }, 1500).unref();
        }),
      );
    }
    await Promise.all(closing);
    this.wss.close();
  }
}
