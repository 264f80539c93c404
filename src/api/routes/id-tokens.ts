import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import type { IdToken, IdTokenStatus } from '../../domain/id-tokens.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { enumQuery, jsonBody, paging } from '../query.ts';

const statuses = ['accepted', 'blocked', 'expired', 'invalid'] as const;
const fields = {
  type: { enum: ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] },
  status: { enum: statuses },
  expiresAt: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
  groupId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 36 }, { type: 'null' }] },
  label: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
};

export function idTokenRoutes(services: Services): Hono {
  const { idTokens } = services;
  const app = new Hono();

  app.get('/', (c) =>
    c.json(idTokens.list({ status: enumQuery(c, 'status', statuses), groupId: c.req.query('groupId') || undefined, search: c.req.query('search') || undefined, ...paging(c) })),
  );

  app.post('/', async (c) => {
    const body = checkParams<Pick<IdToken, 'token' | 'type' | 'status'> & Partial<Pick<IdToken, 'expiresAt' | 'groupId' | 'label'>>>(
      {
        type: 'object',
        properties: { token: { type: 'string', minLength: 1, maxLength: 36, pattern: '^\\S+$' }, ...fields, type: { ...fields.type, default: 'ISO14443' }, status: { ...fields.status, default: 'accepted' } },
        required: ['token'],
        additionalProperties: false,
      },
      await jsonBody(c),
    );
    if (idTokens.get(body.token)) throw new ConflictError(`id token ${body.token} already exists`);
    const created = await idTokens.create({ ...body, expiresAt: body.expiresAt ?? null, groupId: body.groupId ?? null, label: body.label ?? null });
    return c.json(created, 201);
  });

  app.get('/:token', (c) => {
    const token = idTokens.get(c.req.param('token'));
    if (!token) throw new NotFoundError(`no id token ${c.req.param('token')}`);
    return c.json(token);
  });

  app.patch('/:token', async (c) => {
    const changes = checkParams<Partial<IdToken> & { status?: IdTokenStatus }>({ type: 'object', properties: fields, additionalProperties: false }, await jsonBody(c));
    const updated = await idTokens.update(c.req.param('token'), changes);
    if (!updated) throw new NotFoundError(`no id token ${c.req.param('token')}`);
    return c.json(updated);
  });

  app.delete('/:token', async (c) => {
    if (!(await idTokens.remove(c.req.param('token')))) throw new NotFoundError(`no id token ${c.req.param('token')}`);
    return c.body(null, 204);
  });
  return app;
}
