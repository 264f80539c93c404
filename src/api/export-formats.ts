import type { Export, ExportColumn } from '../domain/exports.ts';

export type ExportFormat = 'csv' | 'json' | 'ndjson';

const NEEDS_QUOTES = /[",\r\n]/;
// A cell a spreadsheet would run as a formula (OWASP "CSV injection"); id tokens and the like come from chargers.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field as RFC 4180 wants it: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
export function csvField(value: unknown, kind: ExportColumn['kind'], excel = false): string {
  if (value === null || value === undefined) return '';
  if (kind === 'boolean') return value ? 'true' : 'false';
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (excel && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[], columns: readonly ExportColumn[], excel = false): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += ',';
    line += csvField(values[i], columns[i]!.kind, excel);
  }
  return `${line}\r\n`;
}

function jsonValue(value: unknown, kind: ExportColumn['kind']): string {
  if (value === null || value === undefined) return 'null';
  if (kind === 'boolean') return value ? 'true' : 'false';
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(String(value));
}

/** Formats rows (arrays in column order) as CSV lines, or JSON objects with the column names as keys. */
export function rowEncoder(columns: readonly ExportColumn[], format: ExportFormat, excel = false): (values: readonly unknown[]) => string {
  if (format === 'csv') return (values) => csvRow(values, columns, excel);
  const keys = columns.map((column) => `${JSON.stringify(column.name)}:`);
  return (values) => {
    let object = '{';
    for (let i = 0; i < columns.length; i++) object += `${i > 0 ? ',' : ''}${keys[i]}${jsonValue(values[i], columns[i]!.kind)}`;
    return object + '}';
  };
}

export interface StreamOptions {
  /** CSV for spreadsheets: a UTF-8 byte order mark and formula-looking text cells prefixed with `'`. */
  excel?: boolean;
  /** The client reading nothing for this long ends the export (it holds a database snapshot). */
  stallMs?: number;
  onStall?: () => void;
  onError?: (error: Error) => void;
}

const ROWS_PER_READ = 500;
const CHUNK_CHARS = 64 * 1024;

/**
 * The export as a byte stream that reads rows only when the HTTP response wants more (pull): a slow client
 * slows the reading down instead of filling memory. JSON is one array, NDJSON one object per line.
 */
export function exportStream(exp: Export, format: ExportFormat, options: StreamOptions = {}): ReadableStream<Uint8Array> {
  const encode = rowEncoder(exp.columns, format, options.excel);
  let started = false;
  let first = true;
  let stallTimer: NodeJS.Timeout | undefined;
  const head = () => {
    if (format === 'csv') return `${options.excel ? '\ufeff' : ''}${exp.columns.map((column) => csvField(column.name, 'text')).join(',')}\r\n`;
    return format === 'json' ? '[' : '';
  };
  const separator = format === 'json' ? ',\n' : '\n';
  const watchForStall = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!options.stallMs) return;
    stallTimer = setTimeout(() => {
      exp.rows.close();
      controller.error(new Error('the client stopped reading the export'));
      options.onStall?.();
    }, options.stallMs);
    stallTimer.unref();
  };
  return new ReadableStream<Uint8Array>(
    {
      // Also a response whose body is never read (e.g. dropped by the framework) must let go of its snapshot.
      start: watchForStall,
      pull(controller) {
        clearTimeout(stallTimer);
        let text = '';
        if (!started) {
          started = true;
          text = head();
        }
        try {
          while (text.length < CHUNK_CHARS && !exp.rows.done) {
            for (const row of exp.rows.next(ROWS_PER_READ)) {
              if (format === 'csv') text += encode(row);
              else {
                text += first ? (format === 'json' ? '\n' : '') + encode(row) : separator + encode(row);
                first = false;
              }
            }
          }
        } catch (error) {
          exp.rows.close();
          options.onError?.(error as Error);
          controller.error(error);
          return;
        }
        if (exp.rows.done) {
          if (format === 'json') text += first ? ']\n' : '\n]\n';
          else if (format === 'ndjson' && !first) text += '\n';
          controller.enqueue(Buffer.from(text, 'utf8'));
          controller.close();
          return;
        }
        controller.enqueue(Buffer.from(text, 'utf8'));
        watchForStall(controller);
      },
      cancel() {
        clearTimeout(stallTimer);
        exp.rows.close();
      },
    },
    { highWaterMark: 0 },
  );
}
