// Reads an ID-token CSV file (POST /id-tokens/import) into rows to upsert, with every problem by line.
// Parsing is csv-parse (maintained, RFC 4180 quoting incl. quoted line breaks, BOM, line numbers per record).
import { parse } from 'csv-parse/sync';
import { checkParams, ParamsError } from '../commands/params.ts';
import { idTokenStatuses, idTokenTypes, type IdTokenImportRow } from '../domain/id-tokens.ts';

export const CSV_COLUMNS = ['token', 'type', 'status', 'expiresAt', 'groupId', 'label'] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** Rows beyond this are refused: a depot's cards fit many times over, and the import is one transaction. */
export const MAX_CSV_ROWS = 20_000;

export interface CsvLineError {
  /** 1-based line of the file (for a record spanning lines, the line it ends on). */
  line: number;
  field: string;
  message: string;
}

const rowSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 36, pattern: '^\\S+$' },
    type: { enum: idTokenTypes },
    status: { enum: idTokenStatuses },
    expiresAt: { type: 'string', format: 'date-time' },
    groupId: { type: 'string', maxLength: 36, pattern: '^\\S+$' },
    label: { type: 'string', maxLength: 200 },
  },
  required: ['token'],
} as const;

/** What a groupId naming no ID-token group is told (the REST API and the CSV import alike). */
export const unknownGroupMessage = (groupId: string): string => `names no ID-token group "${groupId}"; create it under /api/v1/id-token-groups first`;

function fail(line: number, field: string, message: string): { rows: []; errors: CsvLineError[] } {
  return { rows: [], errors: [{ line, field, message }] };
}

/**
 * The header line names the columns (any order, `token` required, others optional). A column left out keeps an
 * existing token's value; an empty cell means the default (type ISO14443, status accepted) or none (expiresAt,
 * groupId, label). A token may appear once per file. A groupId must name a group `group` knows (when given): else
 * the line has a `groupId` problem, `unknownGroup`'s message.
 */
export function readIdTokenCsv(
  text: string,
  group?: { exists: (id: string) => boolean; unknownGroup: (id: string) => string },
): { rows: IdTokenImportRow[]; errors: CsvLineError[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    return fail((error as { lines?: number }).lines ?? 1, '(file)', (error as Error).message);
  }
  const [header, ...data] = records;
  if (!header) return fail(1, '(file)', `is empty; the first line must name the columns: ${CSV_COLUMNS.join(',')}`);
  const columns = header.record;
  const unknown = columns.find((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown !== undefined) return fail(header.info.lines, '(header)', `unknown column "${unknown}"; the columns are ${CSV_COLUMNS.join(', ')}`);
  if (!columns.includes('token')) return fail(header.info.lines, '(header)', 'has no token column');
  if (new Set(columns).size !== columns.length) return fail(header.info.lines, '(header)', 'names a column twice');
  if (data.length > MAX_CSV_ROWS) return fail(header.info.lines, '(file)', `has ${data.length} rows; at most ${MAX_CSV_ROWS} at a time`);

  const rows: IdTokenImportRow[] = [];
  const errors: CsvLineError[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of data) {
    const line = info.lines;
    if (record.length !== columns.length) {
      errors.push({ line, field: '(line)', message: `has ${record.length} fields; the header has ${columns.length}` });
      continue;
    }
    const cells = Object.fromEntries(columns.map((name, i) => [name, record[i]!])) as Partial<Record<Column, string>>;
    const present = Object.fromEntries(Object.entries(cells).filter(([, v]) => v !== '')) as Partial<Record<Column, string>>;
    try {
      checkParams(rowSchema, present);
    } catch (error) {
      if (!(error instanceof ParamsError)) throw error;
      errors.push(...error.fields.map((f) => ({ line, field: f.field, message: f.message })));
      continue;
    }
    const token = present.token!;
    if (present.groupId !== undefined && group && !group.exists(present.groupId)) {
      errors.push({ line, field: 'groupId', message: group.unknownGroup(present.groupId) });
      continue;
    }
    const earlier = seen.get(token);
    if (earlier !== undefined) {
      errors.push({ line, field: 'token', message: `is also on line ${earlier}` });
      continue;
    }
    seen.set(token, line);
    const row: IdTokenImportRow = { token };
    if ('type' in cells) row.type = present.type ?? 'ISO14443';
    if ('status' in cells) row.status = (present.status ?? 'accepted') as IdTokenImportRow['status'];
    if ('expiresAt' in cells) row.expiresAt = present.expiresAt ? new Date(present.expiresAt).toISOString() : null;
    if ('groupId' in cells) row.groupId = present.groupId ?? null;
    if ('label' in cells) row.label = present.label ?? null;
    rows.push(row);
  }
  return { rows, errors };
}
