import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { SitePki } from '../pki/site-pki.ts';
import { secureContextOptions, tlsServerOptions } from '../pki/tls-options.ts';

export interface Listeners {
  port: number;
  /** Null when the TLS listener is off (tlsPort 0). */
  tlsPort: number | null;
  /** Loads a new server certificate into the TLS listeners (new connections use it). */
  reloadTls(): void;
  /** The charger's address, also for TLS connections the main port handed on to the TLS listener. */
  remoteAddressOf(request: IncomingMessage): string | null;
  close(): void;
  closeAllConnections(): void;
}

export interface ListenerOptions {
  config: Config;
  pki: SitePki;
  handler: RequestListener;
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  listen: (server: NetServer, port: number, host: string) => Promise<void>;
  log: Logger;
}

/** The first byte of a TLS connection (a handshake record); an HTTP request starts with a letter. */
const TLS_HANDSHAKE = 0x16;

/**
 * The appliance's listeners: the main port (UI, API, ws:// for profiles 0/1) and the TLS port (https and wss://
 * for profiles 2/3). The main port also accepts TLS, told apart by the first byte, and hands such connections on
 * to the TLS listener over loopback: OCPP 1.6 chargers moved to profile 2 by ChangeConfiguration SecurityProfile
 * often keep host and port and only switch to wss://. `tlsPort` 0: no TLS at all; -1: any free port (tests).
 */
export async function startListeners(options: ListenerOptions): Promise<Listeners> {
  const { config, pki, handler, onUpgrade, listen, log } = options;
  const http: Server = createHttpServer(handler);
  http.on('upgrade', onUpgrade);
  const https = config.tlsPort === 0 ? undefined : createHttpsServer(tlsServerOptions(pki.tlsCredentials()), handler);
  if (https) {
    https.on('upgrade', onUpgrade);
    // Port scanners and chargers with unsupported TLS settings end here; their details are in the debug log only.
    https.on('tlsClientError', (error: NodeJS.ErrnoException, socket) => log.debug('TLS handshake failed', { remote: socket.remoteAddress, error: error.code ?? error.message }));
  }

  /** Loopback source port of a handed-on connection -> the charger's address. */
  const handedOn = new Map<number, string>();
  const handOnSockets = new Set<Socket>();
  let tlsPort = 0;
  const loopback = config.host === '0.0.0.0' || config.host === '::' ? (config.host === '::' ? '::1' : '127.0.0.1') : config.host;
  const handOn = (socket: Socket, first: Buffer) => {
    const upstream = connect({ host: loopback, port: tlsPort });
    handOnSockets.add(socket).add(upstream);
    let localPort: number | undefined;
    const end = () => {
      if (localPort !== undefined) handedOn.delete(localPort);
      handOnSockets.delete(socket);
      handOnSockets.delete(upstream);
      socket.destroy();
      upstream.destroy();
    };
    upstream.on('connect', () => {
      localPort = upstream.localPort;
      if (localPort !== undefined && socket.remoteAddress) handedOn.set(localPort, socket.remoteAddress);
      upstream.write(first);
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.resume();
    });
    upstream.on('error', end).on('close', end);
    socket.on('close', end);
  };

  const front = createNetServer((socket: Socket) => {
    socket.on('error', () => socket.destroy());
    // Until its first byte a connection belongs to neither server, so neither's timeouts apply yet.
    socket.setTimeout(30_000, () => socket.destroy());
    socket.once('data', (chunk) => {
      socket.setTimeout(0);
      socket.pause();
      if (https && chunk[0] === TLS_HANDSHAKE) return handOn(socket, chunk);
      socket.unshift(chunk);
      http.emit('connection', socket);
      socket.resume();
    });
  });

  const opened: NetServer[] = [];
  try {
    await listen(front, config.port, config.host);
    opened.push(front);
    if (https) {
      await listen(https, config.tlsPort === -1 ? 0 : config.tlsPort, config.host);
      tlsPort = (https.address() as AddressInfo).port;
    }
  } catch (error) {
    for (const server of opened) server.close();
    throw error;
  }

  const isLoopback = (address: string) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address === loopback;
  return {
    port: (front.address() as AddressInfo).port,
    tlsPort: https ? tlsPort : null,
    reloadTls: () => https?.setSecureContext(secureContextOptions(pki.tlsCredentials())),
    remoteAddressOf: (request) => {
      const { remoteAddress, remotePort } = request.socket;
      if (remoteAddress && remotePort !== undefined && isLoopback(remoteAddress)) return handedOn.get(remotePort) ?? remoteAddress;
      return remoteAddress ?? null;
    },
    close: () => {
      front.close();
      https?.close();
      // Never listening itself (the front server hands it connections), but closing stops its timers.
      http.close();
    },
    closeAllConnections: () => {
      for (const socket of handOnSockets) socket.destroy();
      http.closeAllConnections();
      https?.closeAllConnections();
    },
  };
}
