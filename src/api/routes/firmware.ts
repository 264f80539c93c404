import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { declaredLength, idParam, receiving } from '../file-responses.ts';

/** The firmware library: images the operator uploads for stations to download (see updateFirmware). */
export function firmwareRoutes(services: Services): Hono {
  const { firmware } = services;
  const app = new Hono();

  app.get('/', (c) => {
    const items = firmware.list();
    return c.json({ items, total: items.length, maxBytes: firmware.maxBytes });
  });

  /** The raw file is the body (streamed to disk); its name comes in `?name=`. */
  app.post('/', async (c) => {
    const name = c.req.query('name');
    if (!name) throw new ApiError(400, 'validation', 'query parameter name (the file name) is required', { fields: [{ field: 'name', message: 'is required' }] });
    const file = await receiving(() => firmware.add(name, c.req.raw.body, declaredLength(c)));
    return c.json(file, 201);
  });

  app.get('/:id', (c) => c.json(firmware.require(idParam(c, 'id', 'firmware file'))));

  app.delete('/:id', async (c) => {
    await firmware.remove(idParam(c, 'id', 'firmware file'), c.req.query('force') === 'true');
    return c.body(null, 204);
  });

  return app;
}
