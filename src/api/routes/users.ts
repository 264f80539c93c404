import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Users and access'];
const id = { id: { type: 'integer' } };
// The user store checks these (its own field-level messages), so the schemas only describe them.
const usernameField = { description: 'A string: 1-64 letters, digits or . _ @ -, starting with a letter or digit' };
const passwordField = { description: 'A string of at least 8 characters' };
const roleField = { description: 'viewer, operator or admin' };

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

  const userSchema = resourceRef('User');
  defineList(app, { path: '/', summary: 'Users', tags, sort: ['id', 'username', 'role', 'createdAt', 'lastLoginAt'], item: userSchema }, () => users.list());

  defineRoute<unknown, { username: unknown; password: unknown; role: unknown }>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Create a user',
      description: 'The user store checks the fields (field-level 400s).',
      tags,
      body: { type: 'object', properties: { username: usernameField, password: passwordField, role: roleField }, additionalProperties: false },
      responses: { 201: { description: 'The new user', schema: userSchema } },
    },
    async (c, { body }) => {
      const user = await users.create(body);
      services.log.info('user created', { user: user.username, role: user.role });
      return c.json(user, 201);
    },
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One user', tags, params: id, responses: { 200: { description: 'The user', schema: userSchema } } }, (c) => c.json(users.require(idParam(c))));

  defineRoute<unknown, { role?: unknown; disabled?: unknown; password?: unknown }>(
    app,
    {
      method: 'patch',
      path: '/:id',
      summary: 'Change a user’s role, disable them, or reset their password',
      tags,
      params: id,
      body: { type: 'object', properties: { role: roleField, disabled: { description: 'true or false' }, password: passwordField }, additionalProperties: false },
      responses: { 200: { description: 'The user as changed', schema: userSchema } },
    },
    async (c, { body }) => {
      const id = idParam(c);
      const user = await users.update(id, body);
      services.log.info('user changed', { user: user.username, role: user.role, disabled: user.disabled, passwordReset: body.password !== undefined });
      return c.json(user);
    },
  );

  defineRoute(app, { method: 'delete', path: '/:id', summary: 'Delete a user', tags, params: id, responses: { 204: { description: 'Deleted' } } }, async (c) => {
    const user = users.require(idParam(c));
    await users.remove(user.id);
    services.log.info('user deleted', { user: user.username });
    return c.body(null, 204);
  });

  return app;
}
