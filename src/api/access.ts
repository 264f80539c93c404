import type { Context, MiddlewareHandler } from 'hono';
import type { Services } from '../app/services.ts';
import { isSafeMethod, requiredAccess } from '../auth/access-rules.ts';
import type { Auth } from '../auth/auth.ts';
import { hasRole } from '../auth/roles.ts';
import { sameSecret } from '../auth/secrets.ts';
import { errorBody } from './errors.ts';
import { clearSessionCookie, clientAddress, sessionCookie, type Principal } from './principal.ts';

/** What a route may add to its audit entry (the middleware writes one entry per changing request). */
export interface AuditNote {
  action?: string;
  /** The username an anonymous request was about, e.g. a failed login's. */
  username?: string;
  detail?: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    auditNote: AuditNote | undefined;
  }
}

export function noteAudit(c: Context, note: AuditNote): void {
  c.set('auditNote', { ...c.get('auditNote'), ...note });
}

const BEARER = /^Bearer +(\S+) *$/i;

function identify(c: Context, auth: Auth): { principal?: Principal; problem: string; staleCookie?: boolean } {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const secret = BEARER.exec(header)?.[1];
    if (!secret) return { problem: 'the Authorization header must be "Bearer <API token>"' };
    const found = auth.tokens.resolve(secret);
    if (!found) return { problem: 'the API token is not valid (unknown, revoked, or its user is disabled)' };
    const { token, role } = found;
    return { principal: { userId: token.userId, username: token.username, role, via: 'token', tokenId: token.id }, problem: '' };
  }
  const sessionId = sessionCookie(c);
  if (sessionId) {
    const session = auth.sessions.resolve(sessionId);
    if (!session) return { problem: 'your session has ended; sign in again', staleCookie: true };
    const { userId, username, role, idHash, csrfToken } = session;
    return { principal: { userId, username, role, via: 'session', sessionIdHash: idHash, csrfToken }, problem: '' };
  }
  return { problem: 'sign in, or send an API token as "Authorization: Bearer <token>"' };
}

/**
 * Authentication, authorization (see src/auth/access-rules.ts), CSRF protection and the audit log for every
 * route under /api/v1, present and future.
 */
export function accessControl(services: Services): MiddlewareHandler {
  const { auth } = services;
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path.replace(/^\/api\/v1(?=\/|$)/, '') || '/';
    const safe = isSafeMethod(method);
    const needed = requiredAccess(method, path);
    const { principal, problem, staleCookie } = identify(c, auth);
    c.set('principal', principal);

    let response: Response;
    if (needed !== 'public' && !principal) {
      if (staleCookie) clearSessionCookie(c);
      c.header('www-authenticate', 'Bearer realm="ampyard"');
      response = c.json(errorBody('unauthenticated', problem), 401);
    } else if (needed !== 'public' && !hasRole(principal!.role, needed)) {
      response = c.json(errorBody('forbidden', `this needs the ${needed} role; you are ${principal!.role}`), 403);
    } else if (needed !== 'public' && !safe && principal!.via === 'session' && !sameSecret(c.req.header('x-csrf-token') ?? '', principal!.csrfToken!)) {
      response = c.json(errorBody('csrf_failed', 'missing or wrong x-csrf-token header; reload the page'), 403);
    } else {
      await next();
      response = c.res;
    }

    if (!safe) {
      const who = c.get('principal');
      const note = c.get('auditNote') ?? {};
      await auth.audit.record({
        userId: who?.userId ?? null,
        username: who?.username ?? note.username ?? null,
        role: who?.role ?? null,
        via: who?.via ?? null,
        action: note.action ?? 'request',
        method,
        path: c.req.path.slice(0, 500),
        status: response.status,
        ip: clientAddress(c),
        detail: note.detail ?? null,
      });
    }
    return response;
  };
}
