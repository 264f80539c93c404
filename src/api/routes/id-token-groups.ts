import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['ID tokens'];
const label = { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] };
const params = { id: { type: 'string' } };
const group = resourceRef('IdTokenGroup');

/** ID-token groups (OCPP groupIdToken): list, create, relabel, delete when empty. */
export function idTokenGroupRoutes(services: Services): Hono {
  const { idTokenGroups } = services;
  const app = new Hono();

  defineList(app, { path: '/', summary: 'ID-token groups, with how many tokens each has', tags, sort: ['id', 'label', 'members'], item: group }, () => idTokenGroups.list());

  defineRoute<unknown, { id: string; label?: string | null }>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Create an ID-token group',
      description: 'Its id is what stations get as groupIdToken (1.6 parentIdTag); 409 if it exists.',
      tags,
      body: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 36, pattern: '^\\S+$' }, label }, required: ['id'], additionalProperties: false },
      responses: { 201: { description: 'The new group', schema: group } },
    },
    async (c, { body }) => c.json(await idTokenGroups.create({ id: body.id, label: body.label || null }), 201),
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One ID-token group', tags, params, responses: { 200: { description: 'The group', schema: group } } }, (c) => c.json(idTokenGroups.require(c.req.param('id')!)));

  defineRoute<unknown, { label: string | null }>(
    app,
    { method: 'patch', path: '/:id', summary: 'Relabel an ID-token group', tags, params, body: { type: 'object', properties: { label }, required: ['label'], additionalProperties: false }, responses: { 200: { description: 'The group as changed', schema: group } } },
    async (c, { body }) => c.json(await idTokenGroups.update(c.req.param('id')!, { label: body.label || null })),
  );

  defineRoute(
    app,
    { method: 'delete', path: '/:id', summary: 'Delete an ID-token group', description: '409 while tokens are in it.', tags, params, responses: { 204: { description: 'Deleted' } } },
    async (c) => {
      await idTokenGroups.remove(c.req.param('id')!);
      return c.body(null, 204);
    },
  );

  return app;
}
