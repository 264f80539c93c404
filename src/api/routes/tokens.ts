import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams, ParamsError } from '../../commands/params.ts';
import { ApiError } from '../errors.ts';
import { jsonBody } from '../query.ts';
import { idParam } from './users.ts';

/** API tokens for integrations, for admins. The secret is in the creation response only. */
export function tokenRoutes(services: Services): Hono {
  const { users, tokens } = services.auth;
  const app = new Hono();

  app.get('/', (c) => {
    const username = c.req.query('username');
    let userId: number | undefined;
    if (username) {
      userId = users.byUsername(username)?.id;
      if (userId === undefined) throw new ApiError(404, 'not_found', `no user ${username}`);
    }
    const items = tokens.list(userId);
    return c.json({ items, total: items.length });
  });

  app.post('/', async (c) => {
    const body = checkParams<{ username: string; name?: string }>(
      { type: 'object', properties: { username: { type: 'string', minLength: 1 }, name: { type: 'string' } }, required: ['username'], additionalProperties: false },
      await jsonBody(c),
    );
    const user = users.byUsername(body.username);
    if (!user) throw new ParamsError([{ field: 'username', message: 'is not a user' }]);
    const { token, secret } = await tokens.create(user.id, body.name);
    services.log.info('API token created', { token: token.id, name: token.name, user: token.username });
    c.header('cache-control', 'no-store');
    return c.json({ ...token, token: secret }, 201);
  });

  app.get('/:id', (c) => c.json(tokens.require(idParam(c))));

  app.delete('/:id', async (c) => {
    const id = idParam(c);
    await tokens.revoke(id);
    services.log.info('API token revoked', { token: id });
    return c.body(null, 204);
  });

  return app;
}
