import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ClientCertificate, PresentedCredentials } from '../../domain/station-security.ts';
import { normalizeSerial } from '../../pki/site-pki.ts';
import { x509 } from '../../pki/x509.ts';

export type CredentialsReading = { ok: true; credentials: PresentedCredentials } | { ok: false; reason: string };

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;

/** Node gives OpenSSL's verification error as its code string (typed as an Error). */
function authorizationProblem(error: unknown): string | null {
  if (!error) return null;
  if (typeof error === 'string') return error;
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? 'unknown';
}

function clientCertificate(socket: TLSSocket): ClientCertificate | null {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return null;
  let commonName: string | null = null;
  try {
    commonName = new x509.X509Certificate(new Uint8Array(peer.raw)).subjectName.getField('CN')[0] ?? null;
  } catch {
    // Unreadable subject: no CN, so it cannot match a station id.
  }
  return {
    trusted: socket.authorized,
    problem: authorizationProblem(socket.authorizationError as unknown),
    commonName,
    serialNumber: normalizeSerial(peer.serialNumber),
  };
}

/**
 * What a charger presents at the handshake: the transport, a TLS client certificate, HTTP Basic credentials.
 * The Basic-auth password is kept as bytes: OCPP 1.6 AuthorizationKeys may be binary. The user name must be
 * the station id (station ids cannot contain ':', so the first ':' ends it).
 */
export function readCredentials(request: IncomingMessage, stationId: string, remoteAddress: string | null): CredentialsReading {
  const socket = request.socket as TLSSocket;
  const tls = socket.encrypted === true;
  let password: Buffer | null = null;
  const header = request.headers['authorization'];
  if (header !== undefined) {
    const match = BASIC.exec(header);
    if (!match) return { ok: false, reason: 'the Authorization header is not HTTP Basic (Basic base64(stationId:password))' };
    const decoded = Buffer.from(match[1]!, 'base64');
    const colon = decoded.indexOf(0x3a);
    if (colon < 0) return { ok: false, reason: 'the Basic credentials have no ":" between user name and password' };
    const username = decoded.subarray(0, colon).toString('utf8');
    if (username !== stationId) return { ok: false, reason: `the Basic-auth user name '${username.slice(0, 60)}' is not the station id in the URL` };
    password = decoded.subarray(colon + 1);
    if (password.length === 0) password = null;
  }
  return {
    ok: true,
    credentials: {
      stationId,
      tls,
      password,
      certificate: tls ? clientCertificate(socket) : null,
      remoteAddress,
      host: request.headers.host ?? null,
    },
  };
}
