import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams, ParamsError } from '../../commands/params.ts';
import type { Refusal } from '../../auth/login-limiter.ts';
import { noteAudit } from '../access.ts';
import { ApiError, errorBody } from '../errors.ts';
import { clearSessionCookie, clientAddress, principalOf, requirePrincipal, setSessionCookie } from '../principal.ts';
import { jsonBody } from '../query.ts';
import { bodyCheckedBy } from '../openapi/checked-body.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

declare module 'hono' {
  interface ContextVariableMap {
    previousSessionIdHash: string | undefined;
  }
}

/**
 * Sign-in and setup requests are anonymous until they succeed, whatever cookie or token came with them
 * (so that a failure is not recorded against the user of a leftover session).
 */
export function treatAsAnonymous(c: Context): void {
  c.set('previousSessionIdHash', principalOf(c)?.sessionIdHash);
  c.set('principal', undefined);
}

/** JSON only: a cross-site HTML form cannot send it, so nobody is signed in (or set up) from another site. */
export async function jsonOnlyBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'send the request body as application/json');
  return jsonBody(c);
}

export function tooManyAttempts(c: Context, refusal: Refusal): Response {
  c.header('retry-after', String(refusal.retryAfterSeconds));
  const minutes = Math.ceil(refusal.retryAfterSeconds / 60);
  const message =
    refusal.reason === 'user-locked'
      ? `too many failed sign-ins for this user; it is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}`
      : `too many failed attempts from your address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return c.json(errorBody('too_many_attempts', message, { retryAfterSeconds: refusal.retryAfterSeconds }), 429);
}

/** Opens a browser session for a user whose password was just checked, and answers like GET /me. */
export async function signIn(c: Context, services: Services, userId: number, status: 200 | 201 = 200, extra: Record<string, unknown> = {}): Promise<Response> {
  const { users, sessions } = services.auth;
  const user = users.require(userId);
  // A new session id on every sign-in; the browser's previous session (if any) ends.
  const previous = c.get('previousSessionIdHash');
  if (previous) await sessions.end(previous);
  const { sessionId, session } = await sessions.start(user.id, { ip: clientAddress(c), userAgent: c.req.header('user-agent') ?? null });
  await users.recordLogin(user.id);
  setSessionCookie(c, sessionId);
  c.set('principal', { userId: user.id, username: user.username, role: user.role, via: 'session', sessionIdHash: session.idHash, csrfToken: session.csrfToken });
  return c.json({ user: users.require(user.id), via: 'session', csrfToken: session.csrfToken, expiresAt: session.expiresAt, ...extra }, status);
}

const loginBody = { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } }, required: ['username', 'password'] };
const passwordBody = { type: 'object', properties: { currentPassword: { type: 'string' }, newPassword: { type: 'string', minLength: 8 } }, required: ['currentPassword', 'newPassword'] };
const tags = ['Sign-in'];

export function authRoutes(services: Services): Hono {
  const { users, sessions, limiter } = services.auth;
  const { log } = services;
  const app = new Hono();

  defineRoute(
    app,
    {
      method: 'post',
      path: '/login',
      summary: 'Sign in: opens a session (cookie) and returns its CSRF token',
      tags,
      rawBody: { contentType: 'application/json', description: 'JSON only (415 otherwise)', schema: loginBody },
      responses: { 200: { description: 'Signed in; the `ampyard_session` cookie is set', schema: resourceRef('BrowserSession') } },
    },
    async (c) => {
      const body = checkParams<{ username: string; password: string }>(loginBody, await jsonOnlyBody(c));
      treatAsAnonymous(c);
      const address = clientAddress(c);
      noteAudit(c, { action: 'login.failed', username: body.username });
      const refused = limiter.check(address, body.username);
      if (refused) {
        noteAudit(c, { detail: refused.reason });
        return tooManyAttempts(c, refused);
      }
      const user = await users.verifyCredentials(body.username, body.password);
      if (!user) {
        const locked = limiter.fail(address, body.username);
        log.info('sign-in failed', { user: body.username, address });
        if (locked) {
          log.warn('sign-in refused after repeated failures', { user: body.username, address, reason: locked.reason, retryAfterSeconds: locked.retryAfterSeconds });
          noteAudit(c, { detail: locked.reason });
          return tooManyAttempts(c, locked);
        }
        return c.json(errorBody('invalid_credentials', 'wrong username or password'), 401);
      }
      limiter.succeeded(body.username);
      log.info('signed in', { user: user.username, address });
      noteAudit(c, { action: 'login' });
      return signIn(c, services, user.id);
    },
  );

  defineRoute(app, { method: 'post', path: '/logout', summary: 'Sign out: ends the session', tags, responses: { 204: { description: 'Signed out' } } }, async (c) => {
    const principal = requirePrincipal(c);
    noteAudit(c, { action: 'logout' });
    if (principal.sessionIdHash) await sessions.end(principal.sessionIdHash);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  defineRoute(app, { method: 'get', path: '/me', summary: 'Who is signed in (and the session’s CSRF token)', tags, responses: { 200: { description: 'The signed-in user', schema: resourceRef('SignedIn') } } }, (c) => {
    const principal = requirePrincipal(c);
    return c.json({ user: users.require(principal.userId), via: principal.via, ...(principal.csrfToken ? { csrfToken: principal.csrfToken } : {}) });
  });

  defineRoute(
    app,
    {
      method: 'post',
      path: '/password',
      summary: 'Change one’s own password',
      description: 'Ends one’s other sessions.',
      tags,
      rawBody: bodyCheckedBy(passwordBody, 'the user store'),
      responses: { 204: { description: 'Changed' } },
    },
    async (c) => {
      const principal = requirePrincipal(c);
      const body = (await jsonBody(c)) as { currentPassword?: unknown; newPassword?: unknown };
      const address = clientAddress(c);
      const refused = limiter.check(address, principal.username);
      if (refused) return tooManyAttempts(c, refused);
      const result = await users.changeOwnPassword(principal.userId, body?.currentPassword, body?.newPassword, principal.sessionIdHash);
      if (result === 'wrong-password') {
        noteAudit(c, { action: 'password.change-failed' });
        const locked = limiter.fail(address, principal.username);
        if (locked) return tooManyAttempts(c, locked);
        throw new ParamsError([{ field: 'currentPassword', message: 'is not your current password' }]);
      }
      log.info('password changed', { user: principal.username });
      noteAudit(c, { action: 'password.changed' });
      return c.body(null, 204);
    },
  );

  return app;
}
