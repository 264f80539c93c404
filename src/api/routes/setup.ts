import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { WrongSetupCodeError } from '../../auth/setup.ts';
import { noteAudit } from '../access.ts';
import { errorBody } from '../errors.ts';
import { clientAddress } from '../principal.ts';
import { jsonOnlyBody, signIn, tooManyAttempts, treatAsAnonymous } from './auth.ts';

/** First run: whether it is needed, and creating the first admin with the console's setup code. */
export function setupRoutes(services: Services): Hono {
  const { setup, limiter } = services.auth;
  const app = new Hono();

  app.get('/', (c) => c.json({ needed: setup.needed() }));

  app.post('/', async (c) => {
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
  });

  return app;
}
