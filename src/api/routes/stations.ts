import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams, ParamsError } from '../../commands/params.ts';
import { passwordProblem } from '../../domain/station-password.ts';
import type { SecurityProfile } from '../../domain/station-security-state.ts';
import { variableKey } from '../../domain/device-model.ts';
import { isValidStationId, type Registration } from '../../domain/station.ts';
import { ApiError } from '../errors.ts';
import { enumQuery, intQuery, jsonBody, timeQuery } from '../query.ts';

const registrations = ['pending', 'accepted', 'rejected'] as const;

export function stationRoutes(services: Services): Hono {
  const { stations, commands, link, messageLog, warnings, configuration, dataTransfers, remoteStarts, log } = services;
  const app = new Hono();

  app.get('/', (c) => {
    const registration = enumQuery(c, 'registration', registrations);
    const items = stations.list(registration ? { registration } : {});
    return c.json({ items, total: items.length });
  });

  /**
   * Pre-registers a station. A new one gets a Basic-auth password (generated unless given), returned once in
   * `credentials`, and optionally the security profile it must use (default: pinned at its first connection).
   */
  app.post('/', async (c) => {
    const body = checkParams<{ id: string; securityProfile?: SecurityProfile; password?: string }>(
      {
        type: 'object',
        properties: { id: { type: 'string' }, securityProfile: { enum: [0, 1, 2, 3] }, password: { type: 'string', minLength: 16, maxLength: 40 } },
        required: ['id'],
        additionalProperties: false,
      },
      await jsonBody(c),
    );
    if (!isValidStationId(body.id)) {
      throw new ApiError(400, 'validation', 'id must be 1-48 characters of letters, digits and ._-*+=@#$%&!~^|', { fields: [{ field: 'id', message: 'is not a valid station id' }] });
    }
    const problem = body.password === undefined ? undefined : passwordProblem(body.password, null);
    if (problem) throw new ParamsError([{ field: 'password', message: problem }]);
    const { station, created } = await stations.register(body.id);
    if (!created) return c.json(station, 200);
    const settings = { ...(body.securityProfile !== undefined ? { securityProfile: body.securityProfile } : {}), ...(body.password !== undefined ? { password: body.password } : {}) };
    const { password, generated } = await services.security.registered(body.id, settings);
    const credentials = { username: body.id, password: generated ? password : undefined, securityProfile: services.security.requiredProfile(body.id) };
    return c.json({ ...station, credentials }, 201);
  });

  app.get('/:id', (c) => c.json(stations.require(c.req.param('id'))));

  app.patch('/:id', async (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const body = checkParams<{ quirks?: Record<string, unknown> }>(
      { type: 'object', properties: { quirks: { type: 'object', properties: { idTagSuffixSeparator: { type: 'string', minLength: 1, maxLength: 5 } } } }, additionalProperties: false },
      await jsonBody(c),
    );
    return c.json(body.quirks ? await stations.setQuirks(id, body.quirks) : stations.require(id));
  });

  const decide = (registration: Registration) => async (c: Context) => {
    const id = c.req.param('id')!;
    const station = await stations.setRegistration(id, registration);
    if (registration === 'accepted' && link.isConnected(id)) {
      // A charger held Pending learns of its approval at its next boot; ask it to boot now.
      commands.run(id, 'trigger', { message: 'BootNotification' }).catch((error: Error) => log.info('could not trigger boot after approval', { station: id, error: error.message }));
    }
    return c.json(station);
  };
  app.post('/:id/approve', decide('accepted'));
  app.post('/:id/reject', decide('rejected'));

  app.get('/:id/messages', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const limit = intQuery(c, 'limit', 100, 1, 1000);
    const beforeId = intQuery(c, 'beforeId', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    return c.json({ items: messageLog.forStation(id, limit, beforeId) });
  });

  app.get('/:id/meter-values', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const evse = c.req.query('evseId');
    return c.json({
      items: services.transactions.stationMeterSeries(id, {
        evseId: evse === undefined ? undefined : intQuery(c, 'evseId', 0, 0, 1000),
        from: timeQuery(c, 'from'),
        to: timeQuery(c, 'to'),
        limit: intQuery(c, 'limit', 1000, 1, 10_000),
      }),
    });
  });

  app.get('/:id/warnings', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: warnings.forStation(id, intQuery(c, 'limit', 100, 1, 200)) });
  });

  /** 1.6 keys as read; for 2.x stations the device model's Actual values, keyed Component/Variable. */
  app.get('/:id/configuration', (c) => {
    const id = c.req.param('id');
    const station = stations.require(id);
    if (station.ocppVersion === null || station.ocppVersion === '1.6') return c.json({ items: configuration.list(id) });
    const items = services.deviceModel
      .list(id)
      .filter((v) => v.attributeType === 'Actual')
      .map((v) => ({ key: variableKey(v), value: v.value, readonly: v.mutability === 'ReadOnly', fetchedAt: v.updatedAt }));
    return c.json({ items });
  });

  app.get('/:id/device-model', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: services.deviceModel.list(id, { component: c.req.query('component') || undefined, variable: c.req.query('variable') || undefined }), reports: services.deviceModel.reports(id) });
  });

  app.get('/:id/data-transfers', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: dataTransfers.forStation(id, intQuery(c, 'limit', 100, 1, 1000)) });
  });

  app.get('/:id/pending-starts', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: remoteStarts.list(id) });
  });

  app.get('/:id/commands', (c) => {
    stations.require(c.req.param('id'));
    return c.json({ items: commands.list().map((s) => ({ name: s.name, summary: s.summary, params: s.params })) });
  });

  /** Version-neutral command: answers with the station's reply, or a clear offline/timeout/error. */
  app.post('/:id/commands/:name', async (c) =>
    c.json(await commands.run(c.req.param('id'), c.req.param('name'), await jsonBody(c), undefined, new URL(c.req.url).origin)),
  );

  /** For installers: any OCPP action of the station's version, as-is; still schema-checked before it is sent. */
  app.post('/:id/ocpp/:action', async (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const payload = await jsonBody(c);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ApiError(400, 'validation', 'body must be the JSON object payload of the OCPP action');
    const response = await link.send(id, c.req.param('action'), payload as Record<string, unknown>);
    return c.json({ response });
  });

  return app;
}
