import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { enumParam, textParam, timeParam } from '../openapi/query-params.ts';
import { itemsOf, pageOf, resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Transactions'];
const id = { id: { type: 'integer' } };

export function transactionRoutes(services: Services): Hono {
  const { transactions } = services;
  const app = new Hono();

  defineRoute<{ stationId?: string; status?: 'active' | 'ended'; idToken?: string; from?: string; to?: string; limit: number; offset: number }>(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'Charging sessions, newest first',
      tags,
      query: {
        stationId: textParam('Only this station'),
        status: enumParam(['active', 'ended']),
        idToken: textParam('Only this id token'),
        from: timeParam('Started at or after this time'),
        to: timeParam('Started before this time'),
        ...pagingQuery(),
      },
      responses: { 200: { description: 'One page of charging sessions, and how many match in all', schema: pageOf('Transaction') } },
    },
    (c, { query }) => c.json(transactions.list(query)),
  );

  const find = (raw: string) => {
    const id = Number(raw);
    const tx = Number.isInteger(id) && id > 0 ? transactions.get(id) : undefined;
    if (!tx) throw new NotFoundError(`no transaction ${raw}`);
    return tx;
  };
  defineRoute(app, { method: 'get', path: '/:id', summary: 'One charging session', tags, params: id, responses: { 200: { description: 'The charging session', schema: resourceRef('Transaction') } } }, (c) => c.json(find(c.req.param('id')!)));
  defineRoute(app, { method: 'get', path: '/:id/meter-values', summary: 'Meter values of a charging session', tags, params: id, responses: { 200: { description: 'Its sampled values in time order', schema: itemsOf('MeterSample') } } }, (c) => c.json({ items: transactions.meterSeries(find(c.req.param('id')!).id) }));
  return app;
}
