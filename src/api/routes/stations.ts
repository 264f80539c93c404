import { Hono } from 'hono';
import { isValidStationId, type Registration } from '../../domain/station.ts';
import type { ApiServices } from '../services.ts';
import { ApiError } from '../errors.ts';

const registrations: Registration[] = ['pending', 'accepted', 'rejected'];

function intParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(400, 'validation', `query parameter ${name} must be a whole number from ${min} to ${max}`, { field: name });
  }
  return n;
}

export function stationRoutes(services: ApiServices): Hono {
  const { stations, commands, messageLog, log } = services;
  const app = new Hono();

  app.get('/', (c) => {
    const registration = c.req.query('registration');
    if (registration !== undefined && !registrations.includes(registration as Registration)) {
      throw new ApiError(400, 'validation', `registration must be one of ${registrations.join(', ')}`, { field: 'registration' });
    }
    const items = stations.list(registration ? { registration: registration as Registration } : {});
    return c.json({ items, total: items.length });
  });

  app.post('/', async (c) => {
    const body = await c.req.json().catch(() => {
      throw new ApiError(400, 'validation', 'request body must be JSON');
    });
    const id = (body as Record<string, unknown> | null)?.['id'];
    if (typeof id !== 'string' || !isValidStationId(id)) {
      throw new ApiError(400, 'validation', 'id must be 1-48 characters of letters, digits and ._-*+=@#$%&!~^|', { field: 'id' });
    }
    const { station, created } = await stations.register(id);
    return c.json(station, created ? 201 : 200);
  });

  app.get('/:id', (c) => c.json(stations.require(c.req.param('id'))));

  const decide = (registration: Registration) => async (c: import('hono').Context) => {
    const id = c.req.param('id')!;
    const station = await stations.setRegistration(id, registration);
    if (registration === 'accepted' && commands.isConnected(id)) {
      // A charger held Pending learns of its approval at its next boot; ask it to boot now.
      commands.trigger(id, 'BootNotification').catch((error: Error) => log.info('could not trigger boot after approval', { station: id, error: error.message }));
    }
    return c.json(station);
  };
  app.post('/:id/approve', decide('accepted'));
  app.post('/:id/reject', decide('rejected'));

  app.get('/:id/messages', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const limit = intParam(c.req.query('limit'), 'limit', 100, 1, 1000);
    const beforeId = intParam(c.req.query('beforeId'), 'beforeId', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    return c.json({ items: messageLog.forStation(id, limit, beforeId) });
  });

  return app;
}
