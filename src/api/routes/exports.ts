import { Hono, type Context } from 'hono';
import type { Services } from '../../app/services.ts';
import { TooManyExportsError, type Export } from '../../domain/exports.ts';
import { ApiError, errorBody } from '../errors.ts';
import { exportStream, type ExportFormat } from '../export-formats.ts';
import { attachment } from '../file-responses.ts';
import { enumQuery, intQuery, timeQuery } from '../query.ts';

const STALL_MS = 5 * 60_000;

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const common = ['from', 'to', 'stationId', 'idToken', 'format', 'excel', 'vehicleId', 'vehicle'];
const allowed = {
  sessions: new Set([...common, 'status']),
  'meter-values': new Set([...common, 'evseId', 'transactionId']),
};

/**
 * Streamed downloads of sessions and meter values (any signed-in user): `GET /exports/sessions.csv|json`,
 * `GET /exports/meter-values.csv|json`, with `?format=ndjson` on .json and `?excel=true` on .csv.
 */
export function exportRoutes(services: Services): Hono {
  const app = new Hono();

  for (const kind of ['sessions', 'meter-values'] as const) {
    for (const extension of ['csv', 'json'] as const) {
      app.get(`/${kind}.${extension}`, (c) => {
        const filter = readFilter(c, kind);
        const format: ExportFormat = extension === 'csv' ? 'csv' : (enumQuery(c, 'format', ['json', 'ndjson'] as const) ?? 'json');
        const excel = extension === 'csv' && booleanQuery(c, 'excel');
        if (extension === 'json' && c.req.query('excel') !== undefined) throw fieldError('excel', 'is for CSV exports only');
        if (extension === 'csv' && c.req.query('format') !== undefined) throw fieldError('format', 'is for JSON exports only (json or ndjson)');
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

function readFilter(c: Context, kind: 'sessions' | 'meter-values'): Filter {
  const unknown = Object.keys(c.req.queries()).filter((name) => !allowed[kind].has(name));
  if (unknown.length) {
    throw new ApiError(400, 'validation', `unknown query parameter ${unknown.join(', ')}`, {
      fields: unknown.map((field) => ({ field, message: `is not a filter of this export (filters: ${[...allowed[kind]].join(', ')})` })),
    });
  }
  for (const name of ['vehicleId', 'vehicle']) {
    // Fleet vehicles are not recorded yet; exporting everything for a vehicle filter would be wrong data.
    if (c.req.query(name) !== undefined) throw fieldError(name, 'fleet vehicles are not recorded yet, so exports cannot be filtered by vehicle');
  }
  const filter: Filter = {};
  const stationIds = (c.req.queries('stationId') ?? []).filter((id) => id !== '');
  if (stationIds.length > 100) throw fieldError('stationId', 'at most 100 stations');
  if (stationIds.length) filter.stationIds = stationIds;
  const idToken = c.req.query('idToken');
  if (idToken !== undefined && idToken !== '') filter.idToken = idToken;
  const from = timeQuery(c, 'from');
  const to = timeQuery(c, 'to');
  if (from && to && from >= to) throw fieldError('to', 'must be later than from');
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (kind === 'sessions') {
    const status = enumQuery(c, 'status', ['active', 'ended'] as const);
    if (status) filter.status = status;
  } else {
    const evseId = intQuery(c, 'evseId', -1, 0, 1000);
    if (evseId >= 0) filter.evseId = evseId;
    const transactionId = intQuery(c, 'transactionId', 0, 1, Number.MAX_SAFE_INTEGER);
    if (transactionId > 0) filter.transactionId = transactionId;
  }
  return filter;
}

function booleanQuery(c: Context, name: string): boolean {
  const value = c.req.query(name);
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw fieldError(name, 'must be true or false');
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
