import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ParamsError } from '../../commands/params.ts';
import { passwordProblem } from '../../domain/station-password.ts';
import type { SecurityProfile } from '../../domain/station-security-state.ts';
import { newStationPassword } from '../../domain/station-password.ts';
import { jsonBody } from '../query.ts';
import { commandBody } from '../openapi/checked-body.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { itemsOf, resourceRef } from '../openapi/resource-schemas.ts';
import { limitParam } from '../openapi/query-params.ts';

const passwordSchema = { type: 'string', minLength: 16, maxLength: 40 };
const tags = ['Station security'];

/** A station's security profile, password and certificates, mounted under /stations (admins only, see src/auth/access-rules.ts). */
export function stationSecurityRoutes(services: Services): Hono {
  const { stations, security, stationCa, commands } = services;
  const app = new Hono();
  const origin = (url: string) => new URL(url).origin;

  defineRoute(app, { method: 'get', path: '/:id/security', summary: 'A station’s security state and certificates', tags, responses: { 200: { description: 'Its state', schema: resourceRef('StationSecurityDetail') } } }, (c) => {
    const id = c.req.param('id')!;
    stations.require(id);
    return c.json({ ...security.state(id), requiredProfile: security.requiredProfile(id), certificates: stationCa.list(id, 10) });
  });

  defineRoute<unknown, { securityProfile: SecurityProfile | null }>(
    app,
    {
      method: 'put',
      path: '/:id/security',
      summary: 'Set the lowest security profile Ampyard accepts from a station',
      description: 'E.g. after the charger was reconfigured locally; null: the site policy.',
      tags,
      body: { type: 'object', properties: { securityProfile: { enum: [0, 1, 2, 3, null] } }, required: ['securityProfile'], additionalProperties: false },
      responses: { 200: { description: 'Its state as changed', schema: { allOf: [resourceRef('StationSecurity'), { type: 'object', required: ['requiredProfile'], properties: { requiredProfile: { enum: [0, 1, 2, 3] } } }] } } },
    },
    async (c, { body }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      const state = await security.setProfile(id, body.securityProfile);
      return c.json({ ...state, requiredProfile: security.requiredProfile(id) });
    },
  );

  defineRoute<unknown, { password?: string }>(
    app,
    {
      method: 'put',
      path: '/:id/security/password',
      summary: 'Set the password Ampyard expects, without telling the station',
      description: 'The installer enters it at the station. Generated unless given; shown once.',
      tags,
      body: { type: 'object', properties: { password: passwordSchema }, additionalProperties: false },
      responses: {
        200: {
          description: 'The Basic-auth user name and, when generated, the password (shown only here)',
          schema: { type: 'object', required: ['username', 'state'], properties: { username: { type: 'string' }, password: { type: 'string' }, state: resourceRef('StationSecurity') }, additionalProperties: false },
        },
      },
    },
    async (c, { body }) => {
      const id = c.req.param('id')!;
      const station = stations.require(id);
      const problem = body.password === undefined ? undefined : passwordProblem(body.password, station.ocppVersion);
      if (problem) throw new ParamsError([{ field: 'password', message: problem }]);
      const password = body.password ?? newStationPassword();
      await security.setPassword(id, password, body.password === undefined);
      return c.json({ username: id, password: body.password === undefined ? password : undefined, state: security.state(id) });
    },
  );

  const runs = (path: string, command: string, summary: string) =>
    defineRoute(app, { method: 'post', path, summary, tags, rawBody: commandBody(commands, command), responses: { 200: { description: 'The station’s answer', schema: resourceRef('CommandOutcome') } } }, async (c) =>
      c.json(await commands.run(c.req.param('id')!, command, await jsonBody(c), undefined, origin(c.req.url))),
    );
  runs('/:id/security/password', 'setStationPassword', 'Change the station’s password over OCPP (the new one is shown once)');
  runs('/:id/security/upgrade', 'setSecurityProfile', 'Move the station to a higher security profile over OCPP');
  runs('/:id/security/certificate', 'requestStationCertificate', 'Have the station send a CSR, which the site CA signs and delivers');

  defineRoute<{ limit: number }>(
    app,
    { method: 'get', path: '/:id/security/certificates', summary: 'Certificates the site CA issued to a station', tags, query: { limit: limitParam(100, 1000) }, responses: { 200: { description: 'Newest first', schema: itemsOf('IssuedCertificate') } } },
    (c, { query }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      return c.json({ items: stationCa.list(id, query.limit) });
    },
  );

  defineRoute<unknown, { reason?: string }>(
    app,
    {
      method: 'post',
      path: '/:id/security/certificates/:serial/revoke',
      summary: 'Revoke a certificate the site CA issued to a station',
      tags,
      body: { type: 'object', properties: { reason: { type: 'string', maxLength: 200 } }, additionalProperties: false },
      responses: { 200: { description: 'The certificate, revoked', schema: resourceRef('IssuedCertificate') } },
    },
    async (c, { body }) => {
      const id = c.req.param('id')!;
      stations.require(id);
      return c.json(await stationCa.revoke(id, c.req.param('serial')!, body.reason ?? null));
    },
  );

  return app;
}
