import { randomInt } from 'node:crypto';
import type { OcppVersion } from '../ocpp/versions.ts';

// No 0/O, 1/l/I: installers read the password off a screen and type it into a charger's web page.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A new station password: 20 characters (about 116 bits), which fits both OCPP 1.6 (an AuthorizationKey of
 * 16-20 bytes) and 2.x (BasicAuthPassword of 16-40 characters), so a station keeps it across versions.
 */
export function newStationPassword(): string {
  let password = '';
  for (let i = 0; i < 20; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

const HEX_KEY = /^(?:[0-9a-fA-F]{2}){16,20}$/;

/**
 * The one form a password is hashed and compared in. OCPP 1.6 sends the AuthorizationKey to the station as
 * hex, and stations differ in what they then put in the Basic-auth header: the decoded bytes (as the security
 * whitepaper says) or the hex text itself. Both name the same key, so hex of 16-20 bytes is decoded first;
 * bytes that are not text are compared as hex.
 */
export function canonicalPassword(sent: Buffer | string): string {
  let bytes = typeof sent === 'string' ? Buffer.from(sent, 'utf8') : sent;
  const ascii = bytes.toString('latin1');
  if (HEX_KEY.test(ascii)) bytes = Buffer.from(ascii, 'hex');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `\u0000hex:${bytes.toString('hex')}`;
}

/** What an installer may choose as a station password, for the station's OCPP version when known; undefined when fine. */
export function passwordProblem(password: string, version: OcppVersion | null): string | undefined {
  if (!/^[\x21-\x7e]+$/.test(password)) return 'must be printable ASCII without spaces';
  if (version === '1.6') {
    if (HEX_KEY.test(password) || (password.length >= 16 && password.length <= 20)) return undefined;
    return 'must be 16-20 characters (OCPP 1.6 AuthorizationKey), or the key as 32-40 hex digits';
  }
  if (password.length < 16 || password.length > 40) return 'must be 16-40 characters';
  return undefined;
}

/** The OCPP 1.6 AuthorizationKey value for a password: hex of its bytes (a password that already is such hex is sent as is). */
export function authorizationKeyHex(password: string): string {
  return HEX_KEY.test(password) ? password.toLowerCase() : Buffer.from(password, 'utf8').toString('hex');
}
