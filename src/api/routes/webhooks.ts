import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { deliveryStatuses, PING_EVENT, webhookEventTypes } from '../../domain/webhook.ts';
import type { WebhookInput } from '../../domain/webhooks.ts';
import { idParam } from '../file-responses.ts';
import { noteAudit } from '../access.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { pagingQuery } from '../openapi/list-query.ts';
import { enumParam } from '../openapi/query-params.ts';
import { pageOf, resourceRef } from '../openapi/resource-schemas.ts';

// The webhook store checks the fields (its own field-level messages); the schema names them and refuses others.
const inputSchema = {
  type: 'object',
  properties: {
    url: { description: 'http(s) URL to POST events to' },
    description: { description: 'A note for people' },
    events: { description: 'Event types to send (see /webhooks/event-types); empty for all' },
    enabled: { description: 'true or false' },
    secret: { description: 'HMAC signing secret; generated when absent' },
    rotateSecret: { description: 'true: generate a new secret (returned once)' },
  },
  additionalProperties: false,
};
const tags = ['Webhooks'];
/** A webhook as created, or changed with a new secret: the only answers that carry the secret. */
const withSecret = { allOf: [resourceRef('Webhook'), { type: 'object', properties: { secret: { type: 'string', description: 'The HMAC signing secret; shown only here' } } }] };
const id = { id: { type: 'integer' } };

/** Webhooks CRUD, their delivery logs and test pings (admins only: see src/auth/access-rules.ts). */
export function webhookRoutes(services: Services): Hono {
  const { webhooks } = services;
  const app = new Hono();

  defineList(app, { path: '/', summary: 'Webhooks', tags, sort: ['id', 'url', 'enabled', 'createdAt'], item: resourceRef('Webhook') }, () => webhooks.list());

  const eventTypes = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['type', 'description'], additionalProperties: false, properties: { type: { type: 'string' }, description: { type: 'string' } } } } } };
  defineRoute(app, { method: 'get', path: '/event-types', summary: 'The event types a webhook may subscribe to', tags, responses: { 200: { description: 'Every event type with what it means', schema: eventTypes } } }, (c) =>
    c.json({ items: [...Object.entries(webhookEventTypes).map(([type, description]) => ({ type, description })), { type: PING_EVENT, description: 'a test sent by POST /webhooks/:id/ping (always, whatever the filter)' }] }),
  );

  defineRoute<unknown, WebhookInput>(
    app,
    { method: 'post', path: '/', summary: 'Create a webhook', description: 'The secret is in this response only.', tags, body: inputSchema, responses: { 201: { description: 'The webhook, with its secret', schema: withSecret } } },
    async (c, { body }) => {
      const { webhook, secret } = await webhooks.create(body);
      noteAudit(c, { action: 'webhook.create', detail: `webhook ${webhook.id}` });
      // The only time the secret is shown.
      return c.json({ ...webhook, secret }, 201);
    },
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One webhook', tags, params: id, responses: { 200: { description: 'The webhook', schema: resourceRef('Webhook') } } }, (c) => c.json(webhooks.get(idParam(c, 'id', 'webhook'))));

  const changed = { description: 'The webhook as changed; with its new secret when rotated', schema: withSecret };
  defineRoute<unknown, WebhookInput>(app, { method: 'patch', path: '/:id', summary: 'Change a webhook (or rotate its secret)', tags, params: id, body: inputSchema, responses: { 200: changed } }, async (c, { body }) => {
    const id = idParam(c, 'id', 'webhook');
    const { webhook, secret } = await webhooks.update(id, body);
    noteAudit(c, { action: 'webhook.update', detail: `webhook ${id}${secret ? ', secret rotated' : ''}` });
    return c.json(secret ? { ...webhook, secret } : webhook);
  });

  defineRoute(app, { method: 'delete', path: '/:id', summary: 'Delete a webhook', tags, params: id, responses: { 204: { description: 'Deleted' } } }, async (c) => {
    const id = idParam(c, 'id', 'webhook');
    await webhooks.remove(id);
    noteAudit(c, { action: 'webhook.delete', detail: `webhook ${id}` });
    return c.body(null, 204);
  });

  defineRoute(app, { method: 'post', path: '/:id/ping', summary: 'Send a test event', tags, params: id, responses: { 202: { description: 'Queued', schema: resourceRef('WebhookDelivery') } } }, async (c) =>
    c.json(await webhooks.ping(idParam(c, 'id', 'webhook')), 202),
  );

  defineRoute<{ status?: (typeof deliveryStatuses)[number]; limit: number; offset: number }>(
    app,
    { method: 'get', path: '/:id/deliveries', summary: 'A webhook’s deliveries, newest first', tags, params: id, query: { status: enumParam(deliveryStatuses), ...pagingQuery() }, responses: { 200: { description: 'One page of its deliveries', schema: pageOf('WebhookDelivery') } } },
    (c, { query }) => c.json(webhooks.deliveries(idParam(c, 'id', 'webhook'), query)),
  );

  defineRoute(app, { method: 'get', path: '/:id/deliveries/:deliveryId', summary: 'One delivery, with the request and response', tags, params: id, responses: { 200: { description: 'The delivery and the body it sends', schema: { allOf: [resourceRef('WebhookDelivery'), { type: 'object', required: ['body'], properties: { body: { description: 'The JSON body sent (the event)' } } }] } } } }, (c) =>
    c.json(webhooks.delivery(idParam(c, 'id', 'webhook'), c.req.param('deliveryId')!)),
  );

  defineRoute(app, { method: 'post', path: '/:id/deliveries/:deliveryId/redeliver', summary: 'Send a delivery again', tags, params: id, responses: { 202: { description: 'Queued', schema: resourceRef('WebhookDelivery') } } }, async (c) =>
    c.json(await webhooks.redeliver(idParam(c, 'id', 'webhook'), c.req.param('deliveryId')!), 202),
  );

  return app;
}
