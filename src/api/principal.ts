import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../auth/roles.ts';
import { ApiError } from './errors.ts';

/** Who is making an API request, as established by the access middleware. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  via: 'session' | 'token';
  /** Session requests: the stored hash of the session id and the session's CSRF token. */
  sessionIdHash?: string;
  csrfToken?: string;
  tokenId?: number;
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'ampyard_session';

export function principalOf(c: Context): Principal | undefined {
  return c.get('principal');
}

export function requirePrincipal(c: Context): Principal {
  const principal = c.get('principal');
  if (!principal) throw new ApiError(401, 'unauthenticated', 'sign in first');
  return principal;
}

/** The TCP peer. Forwarded-for headers are not trusted: anyone could send them to dodge the login limits. */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Over TLS, directly or through a reverse proxy that terminates it. */
function overTls(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function setSessionCookie(c: Context, sessionId: string): void {
  // No Max-Age: the cookie ends with the browser; the server ends the session after idle time in any case.
  setCookie(c, SESSION_COOKIE, sessionId, { path: '/api', httpOnly: true, sameSite: 'Strict', secure: overTls(c) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/api', httpOnly: true, sameSite: 'Strict', secure: overTls(c) });
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
