import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { DomainEvent } from '../../domain/events.ts';
import type { Services } from '../../app/services.ts';
import { defineRoute, type RouteSpec } from '../openapi/define-route.ts';
import { principalOf, type Principal } from '../principal.ts';

export interface EventRouteOptions {
  /**
   * How often an open stream re-checks its credential, as a backstop to the auth service's revocation signal
   * (which covers logout, revoked tokens, disabled or deleted users and password changes made by this process;
   * the backstop catches idle expiry and changes made by the command-line tools).
   */
  recheckMs: number;
}

/** Whether the session or API token that opened a stream still works. */
export function credentialStillValid(services: Services, principal: Principal | undefined): boolean {
  if (!principal) return false;
  const { auth } = services;
  if (principal.via === 'session') return principal.sessionIdHash !== undefined && auth.sessions.isLive(principal.sessionIdHash);
  if (principal.tokenId === undefined || !auth.tokens.exists(principal.tokenId)) return false;
  const user = auth.users.get(principal.userId);
  return user !== undefined && !user.disabled;
}

/**
 * Server-sent events: every domain event, as it happens. Slow readers lose events rather than grow memory.
 * The stream ends (after a `signed-out` event) as soon as the session or token that opened it stops being valid.
 */
export function eventRoutes(services: Services, options: Partial<EventRouteOptions> = {}): Hono {
  const recheckMs = options.recheckMs ?? 10_000;
  const app = new Hono();
  const spec: RouteSpec = { method: 'get', path: '/', summary: 'Live domain events (server-sent events)', description: 'Ends with a `signed-out` event when the session or API token that opened the stream is logged out, expires or is revoked.', tags: ['Events'], responses: { 200: { description: 'An event stream: `hello`, then one event per domain event; `signed-out` before it ends because its credential stopped being valid', contentType: 'text/event-stream', schema: { type: 'string' } } } };
  defineRoute(app, spec, (c) => {
    const principal = principalOf(c);
    return streamSSE(c, async (stream) => {
      const queue: DomainEvent[] = [];
      let wake: (() => void) | undefined;
      let revoked = false;
      const recheck = (): void => {
        if (revoked || credentialStillValid(services, principal)) return;
        revoked = true;
        wake?.();
      };
      const unsubscribe = services.events.subscribe((event) => {
        if (queue.length < 10_000) queue.push(event);
        wake?.();
      });
      const unwatch = services.auth.revocations.subscribe(recheck);
      stream.onAbort(() => {
        unsubscribe();
        unwatch();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ version: services.version }) });
      const keepalive = setInterval(() => {
        stream.write(': keepalive\n\n').catch(() => undefined);
      }, 15_000);
      const backstop = setInterval(recheck, recheckMs);
      try {
        recheck(); // revoked between the access check and now
        while (!stream.aborted && !revoked) {
          const event = queue.shift();
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        if (revoked && !stream.aborted) {
          await stream.writeSSE({ event: 'signed-out', data: JSON.stringify({ message: 'the session or API token that opened this stream is no longer valid; sign in again' }) }).catch(() => undefined);
        }
      } finally {
        clearInterval(keepalive);
        clearInterval(backstop);
        unsubscribe();
        unwatch();
      }
    });
  });
  return app;
}
