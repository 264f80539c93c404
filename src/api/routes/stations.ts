import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { ParamsError } from '../../commands/params.ts';
import { passwordProblem } from '../../domain/station-password.ts';
import type { SecurityProfile } from '../../domain/station-security-state.ts';
import { variableKey } from '../../domain/device-model.ts';
import { isValidStationId, type Registration } from '../../domain/station.ts';
import { hasRole } from '../../auth/roles.ts';
import { ApiError } from '../errors.ts';
import { requirePrincipal } from '../principal.ts';
import { jsonBody } from '../query.ts';
import { defineList, defineRoute } from '../openapi/define-route.ts';
import { beforeIdParam, enumParam, limitParam, textParam, timeParam } from '../openapi/query-params.ts';
import { itemsOf, resourceRef } from '../openapi/resource-schemas.ts';

const tags = ['Stations'];

const registrations = ['pending', 'accepted', 'rejected'] as const;
const stationSchema = resourceRef('Station');
const registered = {
  allOf: [
    stationSchema,
    {
      type: 'object',
      required: ['credentials'],
      properties: {
        credentials: {
          type: 'object',
          description: 'How the station signs in (HTTP Basic); the password only when it was generated here',
          required: ['username', 'securityProfile'],
          properties: { username: { type: 'string' }, password: { type: 'string' }, securityProfile: { enum: [0, 1, 2, 3] } },
        },
      },
    },
  ],
};

export function stationRoutes(services: Services): Hono {
  const { stations, commands, link, messageLog, warnings, configuration, dataTransfers, remoteStarts, log } = services;
  const app = new Hono();
  const station = (id: string | undefined) => stations.require(id ?? '').id;

  defineList<unknown, { registration?: Registration }>(
    app,
    { path: '/', summary: 'Stations', tags, query: { registration: enumParam(registrations) }, sort: ['id', 'registration', 'ocppVersion', 'connected', 'lastSeen', 'vendor', 'model'], item: stationSchema },
    (_c, { query }) => stations.list(query.registration ? { registration: query.registration } : {}),
  );

  defineRoute<unknown, { id: string; securityProfile?: SecurityProfile; password?: string }>(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'Pre-register a station',
      description:
        'A new one gets a Basic-auth password (generated unless given), returned once in `credentials`, and optionally the security profile it must use (default: pinned at its first connection). An existing one is returned as it is (200).',
      tags,
      body: {
        type: 'object',
        properties: { id: { type: 'string', description: '1-48 characters of letters, digits and ._-*+=@#$%&!~^|' }, securityProfile: { enum: [0, 1, 2, 3] }, password: { type: 'string', minLength: 16, maxLength: 40 } },
        required: ['id'],
        additionalProperties: false,
      },
      responses: { 200: { description: 'The station existed already', schema: stationSchema }, 201: { description: 'Registered, with its credentials', schema: registered } },
    },
    async (c, { body }) => {
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
    },
  );

  defineRoute(app, { method: 'get', path: '/:id', summary: 'One station', tags, responses: { 200: { description: 'The station', schema: stationSchema } } }, (c) => c.json(stations.require(c.req.param('id')!)));

  defineRoute<unknown, { quirks?: Record<string, unknown> }>(
    app,
    {
      method: 'patch',
      path: '/:id',
      summary: 'Change a station’s quirks',
      tags,
      body: {
        type: 'object',
        properties: {
          quirks: {
            type: 'object',
            description: 'Replaces the station’s quirks as a whole',
            properties: {
              idTagSuffixSeparator: { type: 'string', minLength: 1, maxLength: 5, description: 'The station appends its serial to id tags after this' },
              energyRegisterUnit: { enum: ['kWh'], description: 'Its energy registers are kWh though labelled Wh (Ampyard sets it when a 1.6 session shows it)' },
              autoStartIdTag: { type: 'string', minLength: 1, maxLength: 20, description: 'It charges only when started remotely: Ampyard starts it for this id tag when a cable is plugged in (free vend)' },
            },
          },
        },
        additionalProperties: false,
      },
      responses: { 200: { description: 'The station as changed', schema: stationSchema } },
    },
    async (c, { body }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      return c.json(body.quirks ? await stations.setQuirks(id, body.quirks) : stations.require(id));
    },
  );

  const decide = (registration: Registration) => async (c: Context) => {
    const id = c.req.param('id')!;
    const station = await stations.setRegistration(id, registration);
    if (registration === 'accepted' && link.isConnected(id)) {
      // A charger held Pending learns of its approval at its next boot; ask it to boot now.
      commands.run(id, 'trigger', { message: 'BootNotification' }).catch((error: Error) => log.info('could not trigger boot after approval', { station: id, error: error.message }));
    }
    return c.json(station);
  };
  defineRoute(app, { method: 'post', path: '/:id/approve', summary: 'Accept a pending station', tags, responses: { 200: { description: 'The station', schema: stationSchema } } }, decide('accepted'));
  defineRoute(app, { method: 'post', path: '/:id/reject', summary: 'Reject a station', tags, responses: { 200: { description: 'The station', schema: stationSchema } } }, decide('rejected'));

  defineRoute<{ limit: number; beforeId?: number }>(
    app,
    { method: 'get', path: '/:id/messages', summary: 'The OCPP message log of a station, newest first', tags, query: { limit: limitParam(100, 1000), beforeId: beforeIdParam }, responses: { 200: { description: 'The frames', schema: itemsOf('OcppFrame') } } },
    async (c, { query }) => c.json({ items: await messageLog.forStation(station(c.req.param('id')), query.limit, query.beforeId ?? Number.MAX_SAFE_INTEGER) }),
  );

  defineRoute<{ evseId?: number; from?: string; to?: string; limit: number }>(
    app,
    {
      method: 'get',
      path: '/:id/meter-values',
      summary: 'Meter values of a station',
      tags,
      query: { evseId: { type: 'integer', minimum: 0, maximum: 1000, description: 'Only this EVSE' }, from: timeParam('At or after this time'), to: timeParam('Before this time'), limit: limitParam(1000, 10_000) },
      responses: { 200: { description: 'Its sampled values in time order, oldest first', schema: itemsOf('StationMeterSample') } },
    },
    (c, { query }) => c.json({ items: services.transactions.stationMeterSeries(station(c.req.param('id')), query) }),
  );

  defineRoute<{ limit: number }>(app, { method: 'get', path: '/:id/warnings', summary: 'Protocol warnings about a station', tags, query: { limit: limitParam(100, 200) }, responses: { 200: { description: 'The newest warnings', schema: itemsOf('StationWarning') } } }, (c, { query }) =>
    c.json({ items: warnings.forStation(station(c.req.param('id')), query.limit) }),
  );

  const configurationNote = '1.6 keys as read; for 2.x stations the device model’s Actual values, keyed Component/Variable.';
  defineRoute(app, { method: 'get', path: '/:id/configuration', summary: 'A station’s configuration', description: configurationNote, tags, responses: { 200: { description: 'The keys', schema: itemsOf('ConfigurationEntry') } } }, (c) => {
    const id = c.req.param('id')!;
    const station = stations.require(id);
    if (station.ocppVersion === null || station.ocppVersion === '1.6') return c.json({ items: configuration.list(id) });
    const items = services.deviceModel
      .list(id)
      .filter((v) => v.attributeType === 'Actual')
      .map((v) => ({ key: variableKey(v), value: v.value, readonly: v.mutability === 'ReadOnly', fetchedAt: v.updatedAt }));
    return c.json({ items });
  });

  defineRoute<{ component?: string; variable?: string }>(
    app,
    { method: 'get', path: '/:id/device-model', summary: 'The device model of an OCPP 2.x station, and its reports', tags, query: { component: textParam('Only this component'), variable: textParam('Only this variable') },
      responses: {
        200: {
          description: 'Its variables and the reports asked for (the newest 50)',
          schema: {
            type: 'object',
            required: ['items', 'reports'],
            properties: {
              items: { type: 'array', items: resourceRef('DeviceVariable') },
              reports: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['requestId', 'kind', 'requestedAt', 'status', 'partsReceived', 'lastSeqNo', 'completedAt'],
                  properties: {
                    requestId: { type: 'integer' },
                    kind: { type: 'string' },
                    requestedAt: { type: 'string', format: 'date-time' },
                    status: { type: ['string', 'null'] },
                    partsReceived: { type: 'integer' },
                    lastSeqNo: { type: ['integer', 'null'] },
                    completedAt: { type: ['string', 'null'], format: 'date-time' },
                  },
                },
              },
            },
          },
        },
      },
    },
    (c, { query }) => {
      const id = station(c.req.param('id'));
      return c.json({ items: services.deviceModel.list(id, query), reports: services.deviceModel.reports(id) });
    },
  );

  defineRoute<{ limit: number }>(app, { method: 'get', path: '/:id/data-transfers', summary: 'DataTransfer messages of a station', tags, query: { limit: limitParam(100, 1000) }, responses: { 200: { description: 'Newest first', schema: itemsOf('DataTransfer') } } }, (c, { query }) =>
    c.json({ items: dataTransfers.forStation(station(c.req.param('id')), query.limit) }),
  );

  defineRoute(app, { method: 'get', path: '/:id/pending-starts', summary: 'Remote starts waiting for the driver', tags, responses: { 200: { description: 'The starts', schema: itemsOf('PendingRemoteStart') } } }, (c) => c.json({ items: remoteStarts.list(station(c.req.param('id'))) }));

  defineRoute(app, { method: 'get', path: '/:id/commands', summary: 'The commands one may send, with their parameters', tags: ['Commands'], responses: { 200: { description: 'The commands', schema: itemsOf('CommandDescription') } } }, (c) => {
    stations.require(c.req.param('id')!);
    return c.json({ items: commands.list().map((s) => ({ name: s.name, summary: s.summary, params: s.params })) });
  });

  defineRoute(
    app,
    {
      method: 'post',
      path: '/:id/commands/:name',
      summary: 'Send a command (version-neutral)',
      description: 'Answers with the station’s reply, or a clear offline/timeout/error. Each command is also listed as its own operation.',
      tags: ['Commands'],
      rawBody: { contentType: 'application/json', description: 'The command’s parameters (see each command)', schema: { oneOf: commands.list().map((s) => s.params) } },
      variants: () => commands.list().map((s) => ({ params: { name: s.name }, summary: s.summary, body: s.params })),
      responses: { 200: { description: 'The station’s answer', schema: resourceRef('CommandOutcome') } },
    },
    async (c) => {
      const name = c.req.param('name')!;
      const input = await jsonBody(c);
      // The access rules decide by command name; a configuration change of a station security setting needs an admin too.
      const adminReason = commands.adminReason(name, input);
      if (adminReason && !hasRole(requirePrincipal(c).role, 'admin')) throw new ApiError(403, 'forbidden', adminReason);
      return c.json(await commands.run(c.req.param('id')!, name, input, undefined, new URL(c.req.url).origin));
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/:id/ocpp/:action',
      summary: 'Send any OCPP action of the station’s version, as-is (for installers)',
      description: 'Still schema-checked before it is sent.',
      tags: ['Commands'],
      rawBody: { contentType: 'application/json', description: 'The JSON object payload of the OCPP action', schema: { type: 'object' } },
      responses: { 200: { description: 'The station’s response payload as received', schema: { type: 'object', required: ['response'], properties: { response: { type: 'object' } }, additionalProperties: false } } },
    },
    async (c) => {
      const id = c.req.param('id')!;
      stations.require(id);
      const payload = await jsonBody(c);
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ApiError(400, 'validation', 'body must be the JSON object payload of the OCPP action');
      const response = await link.send(id, c.req.param('action')!, payload as Record<string, unknown>);
      return c.json({ response });
    },
  );

  return app;
}
