import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { TariffInput, TariffSettings } from '../../domain/tariffs.ts';
import { idParam } from '../file-responses.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { pageOf, resourceRef } from '../openapi/resource-schemas.ts';
import { listQuery, sortAndPage, type ListQuery } from '../openapi/list-query.ts';

const tags = ['Tariffs'];
const id = { id: { type: 'integer' } };

const price = { type: 'number', minimum: 0, maximum: 1_000_000 };
const tariffProperties = {
  groupId: { type: ['string', 'null'], minLength: 1, maxLength: 36, description: 'id token group; null or absent for the site default' },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. EUR' },
  pricePerKwh: price,
  pricePerHour: price,
  sessionFee: price,
  message: { type: ['string', 'null'], minLength: 1, maxLength: 512, description: 'shown to the driver at the start instead of the generated price text' },
};

/** Tariffs (site default and per id token group), their settings, and what a session costs. */
export function tariffRoutes(services: Services): Hono {
  const { tariffs, transactions } = services;
  const app = new Hono();

  const settingsSchema = { type: 'object', required: ['costUpdateIntervalMinutes'], additionalProperties: false, properties: { costUpdateIntervalMinutes: { type: 'integer', minimum: 0 } } };
  const page = pageOf('Tariff');
  const listSchema = { ...page, required: [...(page['required'] as string[]), 'settings'], properties: { ...(page['properties'] as object), settings: settingsSchema } };
  const one = (description: string) => ({ description, schema: resourceRef('Tariff') });
  defineRoute<ListQuery>(app, { method: 'get', path: '/tariffs', summary: 'Tariffs, and the tariff settings', tags, query: listQuery(['id', 'name', 'groupId', 'createdAt']), responses: { 200: { description: 'One page of tariffs, and the settings', schema: listSchema } } }, (c, { query }) =>
    c.json({ ...sortAndPage(tariffs.list(), query), settings: tariffs.settings() }),
  );

  defineRoute<unknown, TariffInput>(
    app,
    {
      method: 'post',
      path: '/tariffs',
      summary: 'Create a tariff',
      tags,
      body: {
        type: 'object',
        properties: { ...tariffProperties, pricePerKwh: { ...price, default: 0 }, pricePerHour: { ...price, default: 0 }, sessionFee: { ...price, default: 0 } },
        required: ['name', 'currency'],
        additionalProperties: false,
      },
      responses: { 201: one('The new tariff') },
    },
    async (c, { body }) => c.json(await tariffs.create({ ...body, groupId: body.groupId ?? null, message: body.message ?? null }), 201),
  );

  defineRoute(app, { method: 'get', path: '/tariffs/settings', summary: 'Tariff settings', tags, responses: { 200: { description: 'The settings', schema: settingsSchema } } }, (c) => c.json(tariffs.settings()));
  defineRoute<unknown, Partial<TariffSettings>>(
    app,
    {
      method: 'patch',
      path: '/tariffs/settings',
      summary: 'Change tariff settings',
      tags,
      body: { type: 'object', properties: { costUpdateIntervalMinutes: { type: 'integer', minimum: 0, maximum: 1440 } }, additionalProperties: false },
      responses: { 200: { description: 'The settings as changed', schema: settingsSchema } },
    },
    async (c, { body }) => c.json(await tariffs.updateSettings(body)),
  );

  defineRoute(app, { method: 'get', path: '/tariffs/:id', summary: 'One tariff', tags, params: id, responses: { 200: one('The tariff') } }, (c) => c.json(tariffs.require(idParam(c, 'id', 'tariff'))));
  defineRoute<unknown, Partial<TariffInput>>(
    app,
    { method: 'patch', path: '/tariffs/:id', summary: 'Change a tariff', tags, params: id, body: { type: 'object', properties: tariffProperties, additionalProperties: false }, responses: { 200: one('The tariff as changed') } },
    async (c, { body }) => c.json(await tariffs.update(idParam(c, 'id', 'tariff'), body)),
  );
  defineRoute(app, { method: 'delete', path: '/tariffs/:id', summary: 'Delete a tariff', tags, params: id, responses: { 204: { description: 'Deleted' } } }, async (c) => {
    await tariffs.remove(idParam(c, 'id', 'tariff'));
    return c.body(null, 204);
  });

  const cost = 'What a session cost (so far)';
  const costSchema = { type: 'object', required: ['transactionId', 'cost'], additionalProperties: false, properties: { transactionId: { type: 'integer' }, cost: { oneOf: [{ type: 'null' }, resourceRef('TransactionCost')] } } };
  defineRoute(app, { method: 'get', path: '/transactions/:id/cost', summary: cost, description: '`cost` is null when no tariff applies.', tags, params: id, responses: { 200: { description: 'The session’s cost', schema: costSchema } } }, (c) => {
    const id = idParam(c, 'id', 'transaction');
    const tx = transactions.get(id);
    if (!tx) throw new NotFoundError(`no transaction ${id}`);
    return c.json({ transactionId: id, cost: tariffs.costOf(tx) ?? null });
  });

  return app;
}
