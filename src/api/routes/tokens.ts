import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ParamsError } from '../../commands/params.ts';
import { ApiError } from '../errors.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { listQuery, sortAndPage, type ListQuery } from '../openapi/list-query.ts';
import { textParam } from '../openapi/query-params.ts';
import { pageOf, resourceRef } from '../openapi/resource-schemas.ts';
import { idParam } from './users.ts';

const tags = ['Users and access'];
const id = { id: { type: 'integer' } };

/** API tokens for integrations, for admins. The secret is in the creation response only. */
export function tokenRoutes(services: Services): Hono {
  const { users, tokens } = services.auth;
  const app = new Hono();

  defineRoute<ListQuery & { username?: string }>(
    app,
    { method: 'get', path: '/', summary: 'API tokens', tags, query: { username: textParam('Only this user’s'), ...listQuery(['id', 'name', 'username', 'createdAt', 'lastUsedAt']) }, responses: { 200: { description: 'One page of API tokens', schema: pageOf('ApiToken') } } },
    (c, { query }) => {
      let userId: number | undefined;
      if (query.username) {
        userId = users.byUsername(query.username)?.id;
        if (userId === undefined) throw new ApiError(404, 'not_found', `no user ${query.username}`);
      }
      return c.json(sortAndPage(tokens.list(userId), query));
    },
  );

  defineRoute<unknown, { username: string; name?: string }>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Create an API token for a user',
      description: 'The secret (`token`) is in this response only.',
      tags,
      body: { type: 'object', properties: { username: { type: 'string', minLength: 1 }, name: { type: 'string' } }, required: ['username'], additionalProperties: false },
      responses: {
        201: { description: 'The token, with its secret', schema: { allOf: [resourceRef('ApiToken'), { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'The secret; shown only here' } } }] } },
      },
    },
    async (c, { body }) => {
      const user = users.byUsername(body.username);
      if (!user) throw new ParamsError([{ field: 'username', message: 'is not a user' }]);
      const { token, secret } = await tokens.create(user.id, body.name);
      services.log.info('API token created', { token: token.id, name: token.name, user: token.username });
      c.header('cache-control', 'no-store');
      return c.json({ ...token, token: secret }, 201);
    },
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One API token', tags, params: id, responses: { 200: { description: 'The token (without its secret)', schema: resourceRef('ApiToken') } } }, (c) => c.json(tokens.require(idParam(c))));

  defineRoute(app, { method: 'delete', path: '/:id', summary: 'Revoke an API token', tags, params: id, responses: { 204: { description: 'Revoked' } } }, async (c) => {
    const id = idParam(c);
    await tokens.revoke(id);
    services.log.info('API token revoked', { token: id });
    return c.body(null, 204);
  });

  return app;
}
