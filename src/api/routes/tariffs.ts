import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams } from '../../commands/params.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { TariffInput, TariffSettings } from '../../domain/tariffs.ts';
import { idParam } from '../file-responses.ts';
import { jsonBody } from '../query.ts';

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

  app.get('/tariffs', (c) => {
    const items = tariffs.list();
    return c.json({ items, total: items.length, settings: tariffs.settings() });
  });

  app.post('/tariffs', async (c) => {
    const body = checkParams<TariffInput>(
      {
        type: 'object',
        properties: { ...tariffProperties, pricePerKwh: { ...price, default: 0 }, pricePerHour: { ...price, default: 0 }, sessionFee: { ...price, default: 0 } },
        required: ['name', 'currency'],
        additionalProperties: false,
      },
      await jsonBody(c),
    );
    return c.json(await tariffs.create({ ...body, groupId: body.groupId ?? null, message: body.message ?? null }), 201);
  });

  app.get('/tariffs/settings', (c) => c.json(tariffs.settings()));
  app.patch('/tariffs/settings', async (c) => {
    const changes = checkParams<Partial<TariffSettings>>(
      { type: 'object', properties: { costUpdateIntervalMinutes: { type: 'integer', minimum: 0, maximum: 1440 } }, additionalProperties: false },
      await jsonBody(c),
    );
    return c.json(await tariffs.updateSettings(changes));
  });

  app.get('/tariffs/:id', (c) => c.json(tariffs.require(idParam(c, 'id', 'tariff'))));
  app.patch('/tariffs/:id', async (c) => {
    const id = idParam(c, 'id', 'tariff');
    const changes = checkParams<Partial<TariffInput>>({ type: 'object', properties: tariffProperties, additionalProperties: false }, await jsonBody(c));
    return c.json(await tariffs.update(id, changes));
  });
  app.delete('/tariffs/:id', async (c) => {
    await tariffs.remove(idParam(c, 'id', 'tariff'));
    return c.body(null, 204);
  });

  /** The session's final cost, or what it has cost so far; `cost` is null when no tariff applies. */
  app.get('/transactions/:id/cost', (c) => {
    const id = idParam(c, 'id', 'transaction');
    const tx = transactions.get(id);
    if (!tx) throw new NotFoundError(`no transaction ${id}`);
    return c.json({ transactionId: id, cost: tariffs.costOf(tx) ?? null });
  });

  return app;
}
