import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { idTokenStatuses, idTokenTypes, type IdToken, type IdTokenStatus } from '../../domain/id-tokens.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { ParamsError } from '../../commands/params.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { enumParam, textParam } from '../openapi/query-params.ts';
import { pageOf, resourceRef } from '../openapi/resource-schemas.ts';
import { defineIdTokenImport } from './id-token-import.ts';
import { unknownGroupMessage } from '../id-token-csv.ts';

const tags = ['ID tokens'];
const params = { token: { type: 'string' } };
const one = (description: string) => ({ 200: { description, schema: resourceRef('IdToken') } });
const statuses = idTokenStatuses;
const fields = {
  type: { enum: idTokenTypes },
  status: { enum: statuses },
  expiresAt: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
  groupId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 36 }, { type: 'null' }] },
  label: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
};

type NewIdToken = Pick<IdToken, 'token' | 'type' | 'status'> & Partial<Pick<IdToken, 'expiresAt' | 'groupId' | 'label'>>;

export function idTokenRoutes(services: Services): Hono {
  const { idTokens, idTokenGroups } = services;
  const app = new Hono();
  /** A token's group must exist (a 400 on `groupId` otherwise); null leaves it without one. */
  const checkGroup = (groupId: string | null | undefined) => {
    if (groupId && !idTokenGroups.has(groupId)) throw new ParamsError([{ field: 'groupId', message: unknownGroupMessage(groupId) }]);
  };
  const find = (token: string) => {
    const found = idTokens.get(token);
    if (!found) throw new NotFoundError(`no id token ${token}`);
    return found;
  };

  defineRoute<{ status?: IdTokenStatus; groupId?: string; search?: string; limit: number; offset: number }>(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'ID tokens, by token',
      tags,
      query: { status: enumParam(statuses), groupId: textParam('Only this group'), search: textParam('Part of the token or label'), ...pagingQuery() },
      responses: { 200: { description: 'One page of ID tokens, and how many match in all', schema: pageOf('IdToken') } },
    },
    (c, { query }) => c.json(idTokens.list(query)),
  );

  defineRoute<unknown, NewIdToken>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Create an ID token',
      description: '409 if it exists; 400 if `groupId` names no ID-token group.',
      tags,
      body: {
        type: 'object',
        properties: { token: { type: 'string', minLength: 1, maxLength: 36, pattern: '^\\S+$' }, ...fields, type: { ...fields.type, default: 'ISO14443' }, status: { ...fields.status, default: 'accepted' } },
        required: ['token'],
        additionalProperties: false,
      },
      responses: { 201: { description: 'The new ID token', schema: resourceRef('IdToken') } },
    },
    async (c, { body }) => {
      if (idTokens.get(body.token)) throw new ConflictError(`id token ${body.token} already exists`);
      checkGroup(body.groupId);
      const created = await idTokens.create({ ...body, expiresAt: body.expiresAt ?? null, groupId: body.groupId ?? null, label: body.label ?? null });
      return c.json(created, 201);
    },
  );

  defineIdTokenImport(app, services);

  defineRoute(app, { method: 'get', path: '/:token', summary: 'One ID token', tags, params, responses: one('The ID token') }, (c) => c.json(find(c.req.param('token')!)));

  defineRoute<unknown, Partial<IdToken> & { status?: IdTokenStatus }>(
    app,
    { method: 'patch', path: '/:token', summary: 'Change an ID token (block, unblock, expiry, group, label)', description: '400 if `groupId` names no ID-token group.', tags, params, body: { type: 'object', properties: fields, additionalProperties: false }, responses: one('The ID token as changed') },
    async (c, { body }) => {
      if (!idTokens.get(c.req.param('token')!)) throw new NotFoundError(`no id token ${c.req.param('token')}`);
      checkGroup(body.groupId);
      const updated = await idTokens.update(c.req.param('token')!, body);
      if (!updated) throw new NotFoundError(`no id token ${c.req.param('token')}`);
      return c.json(updated);
    },
  );

  defineRoute(app, { method: 'delete', path: '/:token', summary: 'Delete an ID token', tags, params, responses: { 204: { description: 'Deleted' } } }, async (c) => {
    if (!(await idTokens.remove(c.req.param('token')!))) throw new NotFoundError(`no id token ${c.req.param('token')}`);
    return c.body(null, 204);
  });
  return app;
}
