import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { pageOf } from '../openapi/resource-schemas.ts';
import { enumParam, textParam, timeParam } from '../openapi/query-params.ts';

/** The security event log, newest first; `from`/`to` bound the event time (`to` exclusive). */
export function securityEventRoutes(services: Services): Hono {
  const { securityEvents } = services;
  const app = new Hono();

  defineRoute<{ stationId?: string; type?: string; source?: 'station' | 'csms'; from?: string; to?: string; limit: number; offset: number }>(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'The security event log, newest first',
      tags: ['Security'],
      query: {
        stationId: textParam('Only this station'),
        type: textParam('Only this event type'),
        source: enumParam(['station', 'csms']),
        from: timeParam('Events at or after this time'),
        to: timeParam('Events before this time'),
        ...pagingQuery(),
      },
      responses: { 200: { description: 'A page of events, newest first', schema: pageOf('SecurityEvent') } },
    },
    (c, { query }) => c.json(securityEvents.list(query)),
  );
  return app;
}
