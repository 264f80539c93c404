import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { ApiError } from '../errors.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';
import { sitePowerJson } from '../../balancer/power/site-power-now.ts';

const DAY_S = 86_400;
/** More points than any chart is wide. */
const MAX_POINTS = 10_000;

const invalid = (field: string, message: string) => new ApiError(400, 'validation', `${field} ${message}`, { fields: [{ field, message }] });

/** GET /api/v1/site/power-history: site power, grid limit and building load over time, as columns. */
export function sitePowerRoutes(services: Services): Hono {
  const app = new Hono();
  defineRoute<{ from?: string; to?: string; step?: number }>(
    app,
    {
      method: 'get',
      path: '/',
      summary: 'Site power history',
      description: 'Site power (total and per phase), the grid limit in force and the measured building load, one value per `step` seconds '
        + '(buckets without samples are left out), plus the newest sample. Recorded every few seconds, kept per minute for 35 days; '
        + 'live samples arrive on /api/v1/events as `site.power`.',
      tags: ['Load management'],
      query: {
        from: { type: 'string', format: 'date-time', description: 'Start (default: 24 hours before `to`)' },
        to: { type: 'string', format: 'date-time', description: 'End, exclusive (default: now)' },
        step: { type: 'integer', minimum: 60, maximum: DAY_S, description: 'Seconds per point, a multiple of 60 (default 60)' },
      },
      responses: { 200: { description: 'Columns of equal length: `t` (seconds since the epoch, start of each bucket), powerW, powerMaxW, limitW, buildingW, l1A, l2A, l3A', schema: resourceRef('SitePowerHistory') } },
    },
    async (c, { query }) => {
      const step = query.step ?? 60;
      if (step % 60 !== 0) throw invalid('step', 'must be a multiple of 60 seconds');
      const to = query.to ? Date.parse(query.to) / 1000 : Math.ceil(Date.now() / 1000);
      const from = query.from ? Date.parse(query.from) / 1000 : to - DAY_S;
      if (from >= to) throw invalid('from', 'must be before to');
      if ((to - from) / step > MAX_POINTS) throw invalid('step', `gives more than ${MAX_POINTS} points for this range; choose a larger step`);
      const series = await services.sitePower.history(Math.floor(from), Math.ceil(to), step);
      const latest = services.sitePower.latest();
      return c.json({
        from: new Date(from * 1000).toISOString(),
        to: new Date(to * 1000).toISOString(),
        step,
        ...series,
        latest: latest ? sitePowerJson(latest) : null,
      });
    },
  );
  return app;
}
