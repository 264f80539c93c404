import type { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { noteAudit } from '../access.ts';
import { ApiError } from '../errors.ts';
import { readIdTokenCsv, unknownGroupMessage } from '../id-token-csv.ts';
import { defineRoute } from '../openapi/define-route.ts';
import { resourceRef } from '../openapi/resource-schemas.ts';
import { cappedText } from '../query.ts';

const MAX_CSV_BYTES = 4 * 1024 * 1024;

/**
 * POST /id-tokens/import: a CSV file (text/csv; see readIdTokenCsv for the columns) creates or updates ID tokens.
 * All or nothing: when any line has a problem nothing is stored and the answer is 400 with every problem by
 * line (in `details.lines`, and as `details.fields` named "line N: field"). `?dryRun=true` checks and counts
 * without storing, for a preview.
 */
export function defineIdTokenImport(app: Hono, services: Services): void {
  defineRoute<{ dryRun?: boolean }>(app, {
    method: 'post',
    path: '/import',
    summary: 'Import ID tokens from CSV (all or nothing)',
    description: 'Header line first: any of token,type,status,expiresAt,groupId,label (token required; a groupId must name an existing ID-token group). Creates or updates tokens; a column left out keeps the old value, an empty cell means the default or none. When any line has a problem nothing is stored and the 400 lists every problem by line (`details.lines`, and `details.fields` named "line N: field").',
    tags: ['ID tokens'],
    query: { dryRun: { type: 'boolean', description: 'check and count without storing' } },
    rawBody: { contentType: 'text/csv', description: 'The CSV file (UTF-8, comma-separated, RFC 4180 quoting)' },
    responses: { 200: { description: 'How many tokens were (or would be) created and updated', schema: resourceRef('ImportCounts') } },
  }, async (c, { query }) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/csv' && type !== 'text/plain') throw new ApiError(415, 'unsupported_media_type', 'send the file as text/csv');
    const dryRun = query.dryRun === true;
    const { rows, errors } = readIdTokenCsv(await cappedText(c, MAX_CSV_BYTES), { exists: (id) => services.idTokenGroups.has(id), unknownGroup: unknownGroupMessage });
    if (errors.length > 0) {
      const lines = new Set(errors.map((e) => e.line)).size;
      throw new ApiError(400, 'validation', `${lines} line(s) of the file have problems; nothing was imported`, {
        lines: errors,
        fields: errors.map((e) => ({ field: `line ${e.line}: ${e.field}`, message: e.message })),
      });
    }
    const counts = dryRun ? services.idTokens.planImport(rows) : await services.idTokens.importAll(rows);
    if (!dryRun) noteAudit(c, { action: 'id-tokens.import', detail: `${counts.created} created, ${counts.updated} updated` });
    return c.json({ dryRun, total: rows.length, ...counts });
  });
}
