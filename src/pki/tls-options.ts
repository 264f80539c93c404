import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 suites are all of that kind). The two ECDHE-ECDSA
 * AES-GCM suites are the ones OCPP 1.6 (security whitepaper) and 2.0.1 require chargers to support; the static-RSA
 * suites the specs also list have no forward secrecy and are left out.
 */
export const tlsCiphers = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface TlsCredentials {
  /** PEM private key of the server certificate. */
  key: string;
  /** PEM chain: the server certificate, then the CA certificates up to (not necessarily including) the root. */
  cert: string;
  /** PEM certificates client certificates must chain to (the site CA). */
  ca: string[];
}

export function secureContextOptions(credentials: TlsCredentials): SecureContextOptions {
  return { key: credentials.key, cert: credentials.cert, ca: credentials.ca, minVersion: 'TLSv1.2', ciphers: tlsCiphers, honorCipherOrder: true };
}

/**
 * Server options: a client certificate is asked for but not required at the TLS level. Whether a station
 * needs one (profile 3) is decided at the websocket handshake, where a refusal can be an HTTP 401 and a
 * security event instead of a bare TLS alert; browsers reaching the UI over https send none.
 */
export function tlsServerOptions(credentials: TlsCredentials): TlsOptions {
  return { ...secureContextOptions(credentials), requestCert: true, rejectUnauthorized: false };
}
