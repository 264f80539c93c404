import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import { ApiError } from '../errors.ts';
import { jsonBody } from '../query.ts';

export function idParam(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) throw new ApiError(404, 'not_found', `no such ${name} ${raw}`);
  return id;
}

/** Users CRUD, for admins (see src/auth/access-rules.ts). */
export function userRoutes(services: Services): Hono {
  const { users } = services.auth;
  const app = new Hono();

  app.get('/', (c) => {
    const items = users.list();
    return c.json({ items, total: items.length });
  });

  app.post('/', async (c) => {
    const body = checkParams<{ username: unknown; password: unknown; role: unknown }>(
      { type: 'object', properties: { username: {}, password: {}, role: {} }, additionalProperties: false },
      await jsonBody(c),
    );
    const user = await users.create(body);
    services.log.info('user created', { user: user.username, role: user.role });
    return c.json(user, 201);
  });

  app.get('/:id', (c) => c.json(users.require(idParam(c))));

  app.patch('/:id', async (c) => {
    const id = idParam(c);
    const body = checkParams<{ role?: unknown; disabled?: unknown; password?: unknown }>(
      { type: 'object', properties: { role: {}, disabled: {}, password: {} }, additionalProperties: false },
      await jsonBody(c),
    );
    const user = await users.update(id, body);
    services.log.info('user changed', { user: user.username, role: user.role, disabled: user.disabled, passwordReset: body.password !== undefined });
    return c.json(user);
  });

  app.delete('/:id', async (c) => {
    const user = users.require(idParam(c));
    await users.remove(user.id);
    services.log.info('user deleted', { user: user.username });
    return c.body(null, 204);
  });

  return app;
}
