import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Local list'];

/** The local authorization list: its entries, which tokens are on it, and each station's sync state. */
export function localListRoutes(services: Services): Hono {
  const { localList, stations } = services;
  const app = new Hono();

  const overview = {
    type: 'object',
    required: ['revision', 'entries', 'items', 'total'],
    properties: { revision: { type: 'integer' }, entries: { type: 'integer' }, items: { type: 'array', items: resourceRef('LocalListStatus') }, total: { type: 'integer' } },
  };
  defineRoute(app, { method: 'get', path: '/local-list', summary: 'The local list: revision, size and each station’s sync state', tags, responses: { 200: { description: 'The list and every station’s state', schema: overview } } }, (c) => {
    const items = localList.statuses(stations.list().map((s) => s.id));
    return c.json({ revision: localList.revision(), entries: localList.entries().length, items, total: items.length });
  });

  const sort = ['token', 'type', 'status', 'expiresAt', 'groupId'];
  defineList(app, { path: '/local-list/entries', summary: 'The entries of the local list', tags, sort, item: resourceRef('LocalListEntry') }, () => localList.entries());

  defineList(app, { path: '/local-list/tokens', summary: 'Every operator token, with whether it is on the list', tags, sort: [...sort, 'included'], item: resourceRef('LocalListToken') }, () => localList.tokens());

  defineRoute<unknown, { included: boolean }>(
    app,
    {
      method: 'put',
      path: '/local-list/tokens/:token',
      summary: 'Put a token on the local list, or take it off',
      tags,
      body: { type: 'object', properties: { included: { type: 'boolean' } }, required: ['included'], additionalProperties: false },
      responses: { 200: { description: 'The token and whether it is on the list now', schema: { type: 'object', required: ['token', 'included'], properties: { token: { type: 'string' }, included: { type: 'boolean' } }, additionalProperties: false } } },
    },
    async (c, { body }) => {
      const token = c.req.param('token')!;
      if (!(await localList.setIncluded(token, body.included))) throw new NotFoundError(`no id token ${token}`);
      return c.json({ token, included: body.included });
    },
  );

  defineRoute(app, { method: 'get', path: '/stations/:id/local-list', summary: 'A station’s local list sync state', tags, responses: { 200: { description: 'Its state', schema: resourceRef('LocalListStatus') } } }, (c) => c.json(localList.status(stations.require(c.req.param('id')!).id)));
  return app;
}
