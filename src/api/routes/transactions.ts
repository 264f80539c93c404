import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { enumQuery, paging, timeQuery } from '../query.ts';

export function transactionRoutes(services: Services): Hono {
  const { transactions } = services;
  const app = new Hono();

  app.get('/', (c) =>
    c.json(
      transactions.list({
        stationId: c.req.query('stationId') || undefined,
        status: enumQuery(c, 'status', ['active', 'ended'] as const),
        idToken: c.req.query('idToken') || undefined,
        from: timeQuery(c, 'from'),
        to: timeQuery(c, 'to'),
        ...paging(c),
      }),
    ),
  );

  const find = (raw: string) => {
    const id = Number(raw);
    const tx = Number.isInteger(id) && id > 0 ? transactions.get(id) : undefined;
    if (!tx) throw new NotFoundError(`no transaction ${raw}`);
    return tx;
  };
  app.get('/:id', (c) => c.json(find(c.req.param('id'))));
  app.get('/:id/meter-values', (c) => c.json({ items: transactions.meterSeries(find(c.req.param('id')).id) }));
  return app;
}
