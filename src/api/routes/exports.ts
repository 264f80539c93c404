import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { TooManyExportsError, type Export } from '../../domain/exports.ts';
import { ApiError, errorBody } from '../errors.ts';
import { exportStream, type ExportFormat } from '../export-formats.ts';
import { attachment } from '../file-responses.ts';
import { defineRoute, type JsonSchema, type RouteSpec } from '../openapi/define-route.ts';
import { enumParam, textParam, timeParam } from '../openapi/query-params.ts';

const STALL_MS = 5 * 60_000;

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const commonQuery: Record<string, JsonSchema> = {
  from: timeParam('Only what started at or after this time'),
  to: timeParam('Only what started before this time'),
  stationId: { type: 'array', items: { type: 'string' }, maxItems: 100, description: 'Only these stations (repeat the parameter, or separate with commas)' },
  idToken: textParam('Only sessions of this id token'),
};
const kindQuery: Record<Kind, Record<string, JsonSchema>> = {
  sessions: { status: enumParam(['active', 'ended']) },
  'meter-values': { evseId: { type: 'integer', minimum: 0, maximum: 1000, description: 'Only this EVSE' }, transactionId: { type: 'integer', minimum: 1, description: 'Only this session' } },
};
const formatQuery: Record<'csv' | 'json', Record<string, JsonSchema>> = {
  csv: { excel: { type: 'boolean', description: 'Add a byte order mark and defuse cells a spreadsheet would run as formulas' } },
  json: { format: { enum: ['json', 'ndjson'], default: 'json', description: 'One JSON array, or one object per line' } },
};

type Kind = 'sessions' | 'meter-values';
type ExportQuery = Filter & { stationId?: string[]; excel?: boolean; format?: 'json' | 'ndjson' };

/**
 * Streamed downloads of sessions and meter values (any signed-in user): `GET /exports/sessions.csv|json`,
 * `GET /exports/meter-values.csv|json`, with `?format=ndjson` on .json and `?excel=true` on .csv.
 */
export function exportRoutes(services: Services): Hono {
  const app = new Hono();

  for (const kind of ['sessions', 'meter-values'] as const) {
    for (const extension of ['csv', 'json'] as const) {
      const query = { ...commonQuery, ...kindQuery[kind], ...formatQuery[extension] };
      const spec: RouteSpec = {
        method: 'get',
        path: `/${kind}.${extension}`,
        summary: `Download ${kind === 'sessions' ? 'charging sessions' : 'meter values'} as ${extension === 'csv' ? 'CSV' : 'JSON'} (streamed)`,
        description: `${kind === 'sessions' ? 'Sessions in order of their start' : 'Meter values in the order they were stored'}. Unknown query parameters are refused.`,
        tags: ['Exports'],
        query,
        responses: { 200: { description: 'The export, as a download', contentType: contentTypes[extension], schema: extension === 'csv' ? { type: 'string' } : { type: 'array', items: { type: 'object' } } } },
      };
      defineRoute<ExportQuery>(app, spec, (c, input) => {
        if (extension === 'json' && c.req.query('excel') !== undefined) throw fieldError('excel', 'is for CSV exports only');
        if (extension === 'csv' && c.req.query('format') !== undefined) throw fieldError('format', 'is for JSON exports only (json or ndjson)');
        const filter = readFilter(c, input.query, Object.keys(query));
        const format: ExportFormat = extension === 'csv' ? 'csv' : (input.query.format ?? 'json');
        const excel = extension === 'csv' && input.query.excel === true;
        const headers = {
          'content-type': contentTypes[format],
          'content-disposition': attachment(fileName(kind, filter, format)),
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        };
        if (c.req.method === 'HEAD') return c.body(null, 200, headers);
        let exp: Export;
        try {
          exp = kind === 'sessions' ? services.exports.sessions(filter) : services.exports.meterValues(filter);
        } catch (error) {
          if (!(error instanceof TooManyExportsError)) throw error;
          return c.json(errorBody('too_many_exports', error.message), 429, { 'retry-after': '10' });
        }
        const stream = exportStream(exp, format, {
          excel,
          stallMs: STALL_MS,
          onStall: () => {
            services.log.warn('export ended: the client read nothing for a while', { export: kind });
            (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing?.destroy();
          },
          onError: (error) => services.log.error('export failed while streaming', { export: kind, error: error.message }),
        });
        return c.body(stream, 200, headers);
      });
    }
  }
  return app;
}

interface Filter {
  stationIds?: string[];
  idToken?: string;
  from?: string;
  to?: string;
  status?: 'active' | 'ended';
  evseId?: number;
  transactionId?: number;
}

function readFilter(c: Context, query: ExportQuery, known: string[]): Filter {
  for (const name of ['vehicleId', 'vehicle']) {
    // Fleet vehicles are not recorded yet; exporting everything for a vehicle filter would be wrong data.
    if (c.req.query(name) !== undefined) throw fieldError(name, 'fleet vehicles are not recorded yet, so exports cannot be filtered by vehicle');
  }
  const unknown = Object.keys(c.req.queries()).filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new ApiError(400, 'validation', `unknown query parameter ${unknown.join(', ')}`, {
      fields: unknown.map((field) => ({ field, message: `is not a filter of this export (filters: ${known.join(', ')})` })),
    });
  }
  const { stationId, excel: _excel, format: _format, ...filter } = query;
  if (filter.from && filter.to && filter.from >= filter.to) throw fieldError('to', 'must be later than from');
  return stationId?.length ? { ...filter, stationIds: stationId } : filter;
}

function fieldError(field: string, message: string): ApiError {
  return new ApiError(400, 'validation', `${field} ${message}`, { fields: [{ field, message }] });
}

/** e.g. `ampyard-meter-values_CP-7_2025-01-01_2025-02-01.csv`. */
function fileName(kind: string, filter: Filter, format: ExportFormat): string {
  const stamp = (time: string | undefined, fallback: string) => {
    if (!time) return fallback;
    return time.endsWith('T00:00:00.000Z') ? time.slice(0, 10) : time.replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '');
  };
  const station = filter.stationIds?.length === 1 ? `_${filter.stationIds[0]!.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 50)}` : '';
  return `ampyard-${kind}${station}_${stamp(filter.from, 'start')}_${stamp(filter.to, new Date().toISOString().slice(0, 10))}.${format}`;
}
