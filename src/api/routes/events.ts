import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { DomainEvent } from '../../domain/events.ts';
import type { Services } from '../../app/services.ts';
import { defineRoute, type RouteSpec } from '../openapi/define-route.ts';

/** Server-sent events: every domain event, as it happens. Slow readers lose events rather than grow memory. */
export function eventRoutes(services: Services): Hono {
  const app = new Hono();
  const spec: RouteSpec = { method: 'get', path: '/', summary: 'Live domain events (server-sent events)', tags: ['Events'], responses: { 200: { description: 'An event stream: `hello`, then one event per domain event', contentType: 'text/event-stream', schema: { type: 'string' } } } };
  defineRoute(app, spec, (c) =>
    streamSSE(c, async (stream) => {
      const queue: DomainEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = services.events.subscribe((event) => {
        if (queue.length < 10_000) queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ version: services.version }) });
      const keepalive = setInterval(() => {
        stream.write(': keepalive\n\n').catch(() => undefined);
      }, 15_000);
      try {
        while (!stream.aborted) {
          const event = queue.shift();
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        clearInterval(keepalive);
        unsubscribe();
      }
    }),
  );
  return app;
}
