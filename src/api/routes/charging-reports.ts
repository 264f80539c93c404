import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { intQuery } from '../query.ts';

/**
 * What OCPP 2.x stations report for smart charging (mounted under /stations): the profiles they hold, limits
 * set on them from outside Ampyard, and what ISO 15118 EVs need and plan.
 */
export function chargingReportRoutes(services: Services): Hono {
  const { stations, chargingProfileReports, chargingLimits, evCharging } = services;
  const app = new Hono();
  const station = (id: string | undefined) => stations.require(id ?? '').id;

  app.get('/:id/charging-profile-reports', (c) => c.json({ items: chargingProfileReports.list(station(c.req.param('id')), intQuery(c, 'limit', 20, 1, 200)) }));

  app.get('/:id/charging-profile-reports/:requestId', (c) => {
    const id = station(c.req.param('id'));
    const raw = c.req.param('requestId');
    const report = /^\d{1,10}$/.test(raw) ? chargingProfileReports.get(id, Number(raw)) : undefined;
    if (!report) throw new ApiError(404, 'not_found', `no charging profile report ${raw} from station ${id}`);
    return c.json(report);
  });

  app.get('/:id/charging-limits', (c) => c.json({ items: chargingLimits.list(station(c.req.param('id'))) }));
  app.get('/:id/ev-charging-needs', (c) => c.json({ items: evCharging.needs(station(c.req.param('id'))) }));
  app.get('/:id/ev-charging-schedules', (c) => c.json({ items: evCharging.schedules(station(c.req.param('id'))) }));
  return app;
}
