import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import { PING_EVENT, webhookEventTypes } from '../../domain/webhook.ts';
import type { WebhookInput } from '../../domain/webhooks.ts';
import { idParam } from '../file-responses.ts';
import { noteAudit } from '../access.ts';
import { enumQuery, jsonBody, paging } from '../query.ts';

const inputSchema = {
  type: 'object',
  properties: { url: {}, description: {}, events: {}, enabled: {}, secret: {}, rotateSecret: {} },
  additionalProperties: false,
} as const;

/** Webhooks CRUD, their delivery logs and test pings (admins only: see src/auth/access-rules.ts). */
export function webhookRoutes(services: Services): Hono {
  const { webhooks } = services;
  const app = new Hono();

  app.get('/', (c) => {
    const items = webhooks.list();
    return c.json({ items, total: items.length });
  });

  app.get('/event-types', (c) =>
    c.json({ items: [...Object.entries(webhookEventTypes).map(([type, description]) => ({ type, description })), { type: PING_EVENT, description: 'a test sent by POST /webhooks/:id/ping (always, whatever the filter)' }] }),
  );

  app.post('/', async (c) => {
    const { webhook, secret } = await webhooks.create(checkParams<WebhookInput>(inputSchema, await jsonBody(c)));
    noteAudit(c, { action: 'webhook.create', detail: `webhook ${webhook.id}` });
    // The only time the secret is shown.
    return c.json({ ...webhook, secret }, 201);
  });

  app.get('/:id', (c) => c.json(webhooks.get(idParam(c, 'id', 'webhook'))));

  app.patch('/:id', async (c) => {
    const id = idParam(c, 'id', 'webhook');
    const { webhook, secret } = await webhooks.update(id, checkParams<WebhookInput>(inputSchema, await jsonBody(c)));
    noteAudit(c, { action: 'webhook.update', detail: `webhook ${id}${secret ? ', secret rotated' : ''}` });
    return c.json(secret ? { ...webhook, secret } : webhook);
  });

  app.delete('/:id', async (c) => {
    const id = idParam(c, 'id', 'webhook');
    await webhooks.remove(id);
    noteAudit(c, { action: 'webhook.delete', detail: `webhook ${id}` });
    return c.body(null, 204);
  });

  app.post('/:id/ping', async (c) => c.json(await webhooks.ping(idParam(c, 'id', 'webhook')), 202));

  app.get('/:id/deliveries', (c) =>
    c.json(webhooks.deliveries(idParam(c, 'id', 'webhook'), { status: enumQuery(c, 'status', ['pending', 'delivered', 'failed', 'dropped'] as const), ...paging(c) })),
  );

  app.get('/:id/deliveries/:deliveryId', (c) => c.json(webhooks.delivery(idParam(c, 'id', 'webhook'), c.req.param('deliveryId'))));

  app.post('/:id/deliveries/:deliveryId/redeliver', async (c) => c.json(await webhooks.redeliver(idParam(c, 'id', 'webhook'), c.req.param('deliveryId')), 202));

  return app;
}
