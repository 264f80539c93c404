import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { checkParams, ParamsError } from '../../commands/params.ts';
import { passwordProblem } from '../../domain/station-password.ts';
import type { SecurityProfile } from '../../domain/station-security-state.ts';
import { newStationPassword } from '../../domain/station-password.ts';
import { intQuery, jsonBody } from '../query.ts';

const passwordSchema = { type: 'string', minLength: 16, maxLength: 40 };

/** A station's security profile, password and certificates, mounted under /stations (admins only, see src/auth/access-rules.ts). */
export function stationSecurityRoutes(services: Services): Hono {
  const { stations, security, stationCa, commands } = services;
  const app = new Hono();
  const origin = (url: string) => new URL(url).origin;

  app.get('/:id/security', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ ...security.state(id), requiredProfile: security.requiredProfile(id), certificates: stationCa.list(id, 10) });
  });

  /** Sets the lowest profile Ampyard accepts from the station (e.g. after the charger was reconfigured locally); null: the site policy. */
  app.put('/:id/security', async (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const body = checkParams<{ securityProfile: SecurityProfile | null }>(
      { type: 'object', properties: { securityProfile: { enum: [0, 1, 2, 3, null] } }, required: ['securityProfile'], additionalProperties: false },
      await jsonBody(c),
    );
    const state = await security.setProfile(id, body.securityProfile);
    return c.json({ ...state, requiredProfile: security.requiredProfile(id) });
  });

  /** Sets the password Ampyard expects without telling the station (the installer enters it there). Generated unless given; shown once. */
  app.put('/:id/security/password', async (c) => {
    const id = c.req.param('id');
    const station = stations.require(id);
    const body = checkParams<{ password?: string }>({ type: 'object', properties: { password: passwordSchema }, additionalProperties: false }, await jsonBody(c));
    const problem = body.password === undefined ? undefined : passwordProblem(body.password, station.ocppVersion);
    if (problem) throw new ParamsError([{ field: 'password', message: problem }]);
    const password = body.password ?? newStationPassword();
    await security.setPassword(id, password, body.password === undefined);
    return c.json({ username: id, password: body.password === undefined ? password : undefined, state: security.state(id) });
  });

  /** Changes the station's password over OCPP (1.6 AuthorizationKey, 2.x BasicAuthPassword); the new one is shown once. */
  app.post('/:id/security/password', async (c) => c.json(await commands.run(c.req.param('id'), 'setStationPassword', await jsonBody(c), undefined, origin(c.req.url))));

  /** Moves the station to a higher security profile over OCPP. */
  app.post('/:id/security/upgrade', async (c) => c.json(await commands.run(c.req.param('id'), 'setSecurityProfile', await jsonBody(c), undefined, origin(c.req.url))));

  /** Has the station send a CSR, which the site CA signs and delivers. */
  app.post('/:id/security/certificate', async (c) => c.json(await commands.run(c.req.param('id'), 'requestStationCertificate', await jsonBody(c), undefined, origin(c.req.url))));

  app.get('/:id/security/certificates', (c) => {
    const id = c.req.param('id');
    stations.require(id);
    return c.json({ items: stationCa.list(id, intQuery(c, 'limit', 100, 1, 1000)) });
  });

  app.post('/:id/security/certificates/:serial/revoke', async (c) => {
    const id = c.req.param('id');
    stations.require(id);
    const body = checkParams<{ reason?: string }>({ type: 'object', properties: { reason: { type: 'string', maxLength: 200 } }, additionalProperties: false }, await jsonBody(c));
    return c.json(await stationCa.revoke(id, c.req.param('serial'), body.reason ?? null));
  });

  return app;
}
