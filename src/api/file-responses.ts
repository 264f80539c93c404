import type { Context } from 'hono';
import { InvalidFileError, PayloadTooLargeError } from '../storage/file-store.ts';
import { ApiError } from './errors.ts';

/** `Content-Disposition: attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The request's Content-Length, when it sent one. */
export function declaredLength(c: Context): number | undefined {
  const value = c.req.header('content-length');
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** Maps errors of receiving a file to HTTP: over the limit → 413, unusable name or empty body → 400. */
export async function receiving<T>(receive: () => Promise<T>): Promise<T> {
  try {
    return await receive();
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw new ApiError(413, 'too_large', error.message, { limitBytes: error.limit });
    if (error instanceof InvalidFileError) throw new ApiError(400, 'validation', error.message);
    throw error;
  }
}

/** A positive integer path parameter, or 404 (an id that cannot exist names nothing). */
export function idParam(c: Context, name: string, what: string): number {
  const raw = c.req.param(name) ?? '';
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  if (id < 1) throw new ApiError(404, 'not_found', `no ${what} ${raw}`);
  return id;
}

/** Reads a single `bytes=` range against a file of `size` bytes: undefined for the whole file, 'unsatisfiable' for 416. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
