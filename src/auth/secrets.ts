import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A random, URL-safe secret (session ids, API tokens, CSRF tokens). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** How secrets are stored: their SHA-256, so that a copy of the database grants nothing. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

// No 0/O or 1/I: the code is read off a console and typed in by hand.
const SETUP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time setup code like `7KQM-X2CA-PZ9E` (60 bits). */
export function newSetupCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += SETUP_ALPHABET[randomInt(SETUP_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What the installer typed, in the form the code was printed in (case and separators do not matter). */
export function normalizeSetupCode(input: string): string {
  const bare = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return bare.length === 12 ? `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}` : bare;
}
