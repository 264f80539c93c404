import { WebSocket } from 'ws';
import type { SitePki } from '../pki/site-pki.ts';
import { subtle, x509 } from '../pki/x509.ts';

export type KeyKind = 'ec' | 'ec384' | 'rsa' | 'rsa1024' | 'ed25519';

const algorithms: Record<KeyKind, { generate: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm; sign: Algorithm | EcdsaParams }> = {
  ec: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams },
  ec384: { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams },
  rsa: { generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  rsa1024: { generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  ed25519: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

async function keyPair(kind: KeyKind): Promise<{ keys: CryptoKeyPair; keyPem: string }> {
  const keys = (await subtle.generateKey(algorithms[kind].generate, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { keys, keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n' };
}

/** A station's new key and its CSR (PEM), as a charger makes them for SignCertificate. */
export async function makeStationCsr(commonName: string, organization: string, kind: KeyKind = 'ec'): Promise<{ csr: string; key: string }> {
  const { keys, keyPem } = await keyPair(kind);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [commonName] }, { O: [organization] }],
    keys,
    signingAlgorithm: algorithms[kind].sign,
  });
  return { csr: request.toString('pem') + '\n', key: keyPem };
}

/** A TLS client certificate and key issued directly by `pki` (the site CA, or another one made for a test). */
export async function clientCertificate(pki: SitePki, commonName: string, dates: { notBefore?: Date; notAfter?: Date } = {}): Promise<{ cert: string; key: string; serialNumber: string }> {
  const { keys, keyPem } = await keyPair('ec');
  const issued = await pki.issue({ publicKey: keys.publicKey, commonName, usage: 'client', days: 30, ...dates });
  return { cert: issued.pem, key: keyPem, serialNumber: issued.serialNumber };
}

export const basicAuth = (stationId: string, password: string | Buffer) =>
  'Basic ' + Buffer.concat([Buffer.from(`${stationId}:`), typeof password === 'string' ? Buffer.from(password) : password]).toString('base64');

export interface ConnectOptions {
  protocol?: string;
  password?: string | Buffer;
  /** Basic-auth user name (default: the station id at the end of the URL). */
  username?: string;
  ca?: string;
  cert?: string;
  key?: string;
  localAddress?: string;
}

export type ConnectOutcome = { ok: true; socket: WebSocket } | { ok: false; status: number | null; body: string; headers: Record<string, unknown> };

/** Opens an OCPP websocket as a charger would (ws/wss, Basic auth, client certificate); never throws. */
export function tryConnect(url: string, options: ConnectOptions = {}): Promise<ConnectOutcome> {
  const stationId = decodeURIComponent(url.split('/').pop()!);
  const headers: Record<string, string> = {};
  if (options.password !== undefined) headers['authorization'] = basicAuth(options.username ?? stationId, options.password);
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options.protocol ?? 'ocpp1.6', {
      headers,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert, key: options.key } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    socket.once('open', () => resolve({ ok: true, socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ ok: false, status: response.statusCode ?? null, body, headers: response.headers }));
    });
    socket.once('error', (error) => resolve({ ok: false, status: null, body: error.message, headers: {} }));
  });
}

/** Connects, expects success, and closes again. */
export async function connectsOk(url: string, options: ConnectOptions = {}): Promise<boolean> {
  const outcome = await tryConnect(url, options);
  if (!outcome.ok) return false;
  await new Promise<void>((resolve) => {
    outcome.socket.once('close', () => resolve());
    outcome.socket.close(1000);
  });
  return true;
}
