import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { jsonBody } from '../query.ts';

/** The local authorization list: its entries, which tokens are on it, and each station's sync state. */
export function localListRoutes(services: Services): Hono {
  const { localList, stations } = services;
  const app = new Hono();

  app.get('/local-list', (c) => {
    const items = localList.statuses(stations.list().map((s) => s.id));
    return c.json({ revision: localList.revision(), entries: localList.entries().length, items, total: items.length });
  });

  app.get('/local-list/entries', (c) => c.json({ items: localList.entries() }));

  /** Every operator token, with whether it is on the list. */
  app.get('/local-list/tokens', (c) => c.json({ items: localList.tokens() }));

  app.put('/local-list/tokens/:token', async (c) => {
    const token = c.req.param('token');
    const body = checkParams<{ included: boolean }>(
      { type: 'object', properties: { included: { type: 'boolean' } }, required: ['included'], additionalProperties: false },
      await jsonBody(c),
    );
    if (!(await localList.setIncluded(token, body.included))) throw new NotFoundError(`no id token ${token}`);
    return c.json({ token, included: body.included });
  });

  app.get('/stations/:id/local-list', (c) => c.json(localList.status(stations.require(c.req.param('id')).id)));
  return app;
}
