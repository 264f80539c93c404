import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { WrongSetupCodeError } from '../../auth/setup.ts';
import { noteAudit } from '../access.ts';
import { errorBody } from '../errors.ts';
import { clientAddress } from '../principal.ts';
import { bodyCheckedBy } from '../openapi/checked-body.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';
import { jsonOnlyBody, signIn, tooManyAttempts, treatAsAnonymous } from './auth.ts';

const tags = ['Sign-in'];
const setupBody = {
  type: 'object',
  properties: {
    setupCode: { type: 'string', description: 'Shown on the console at start-up' },
    username: { type: 'string' },
    password: { type: 'string', minLength: 8 },
    siteName: { type: 'string', minLength: 1, maxLength: 100 },
    gridLimitA: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
    acceptUnknownStations: { type: 'boolean' },
  },
  required: ['setupCode', 'username', 'password', 'siteName', 'gridLimitA', 'acceptUnknownStations'],
};

/** First run: whether it is needed, and creating the first admin with the console's setup code. */
export function setupRoutes(services: Services): Hono {
  const { setup, limiter } = services.auth;
  const app = new Hono();

  defineRoute(app, { method: 'get', path: '/', summary: 'Whether first-run setup is needed', tags, responses: { 200: { description: 'Whether it is', schema: { type: 'object', required: ['needed'], properties: { needed: { type: 'boolean' } }, additionalProperties: false } } } }, (c) => c.json({ needed: setup.needed() }));

  defineRoute(
    app,
    {
      method: 'post',
      path: '/',
      summary: 'First-run setup: creates the first admin (with the console’s setup code) and signs in',
      tags,
      rawBody: bodyCheckedBy(setupBody, 'the first-run setup; JSON only (415 otherwise)'),
      responses: {
        201: {
          description: 'Set up and signed in (the `ampyard_session` cookie is set), with the site settings the setup stored',
          schema: { allOf: [resourceRef('BrowserSession'), { type: 'object', required: ['settings'], properties: { settings: resourceRef('SiteSettings') } }] },
        },
      },
    },
    async (c) => {
      const body = ((await jsonOnlyBody(c)) ?? {}) as Record<string, unknown>;
      treatAsAnonymous(c);
      noteAudit(c, { action: 'setup.failed' });
      const address = clientAddress(c);
      const refused = limiter.check(address);
      if (refused) return tooManyAttempts(c, refused);
      try {
        const { user, settings } = await setup.complete({
          setupCode: body['setupCode'],
          username: body['username'],
          password: body['password'],
          siteName: body['siteName'],
          gridLimitA: body['gridLimitA'],
          acceptUnknownStations: body['acceptUnknownStations'],
        });
        services.log.info('first-run setup done; admin created', { user: user.username });
        noteAudit(c, { action: 'setup' });
        return signIn(c, services, user.id, 201, { settings });
      } catch (error) {
        if (!(error instanceof WrongSetupCodeError)) throw error;
        const limited = limiter.fail(address);
        if (limited) return tooManyAttempts(c, limited);
        return c.json(errorBody('wrong_setup_code', error.message, { fields: [{ field: 'setupCode', message: 'is not right' }] }), 403);
      }
    },
  );

  return app;
}
