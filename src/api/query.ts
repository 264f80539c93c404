import type { Context } from 'hono';
import { ApiError } from './errors.ts';

export function intQuery(c: Context, name: string, fallback: number, min: number, max: number): number {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, 'validation', `query parameter ${name} must be a whole number from ${min} to ${max}`, { fields: [{ field: name, message: `must be a whole number from ${min} to ${max}` }] });
  return n;
}

export function enumQuery<T extends string>(c: Context, name: string, allowed: readonly T[]): T | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value as T)) throw new ApiError(400, 'validation', `query parameter ${name} must be one of ${allowed.join(', ')}`, { fields: [{ field: name, message: `must be one of ${allowed.join(', ')}` }] });
  return value as T;
}

export function timeQuery(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ApiError(400, 'validation', `query parameter ${name} must be an ISO 8601 time`, { fields: [{ field: name, message: 'must be an ISO 8601 time' }] });
  return new Date(t).toISOString();
}

export function paging(c: Context): { limit: number; offset: number } {
  return { limit: intQuery(c, 'limit', 50, 1, 1000), offset: intQuery(c, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

/** Larger than any JSON body the API takes (an OCPP message sent as-is is at most 4 MiB by default). */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

/** The body as text, refusing (413) more than `max` bytes before reading them all into memory. */
async function cappedText(c: Context, max: number): Promise<string> {
  const tooLarge = () => new ApiError(413, 'too_large', `request body is larger than ${max} bytes`);
  if (Number(c.req.header('content-length')) > max) throw tooLarge();
  // Read through Hono (cached) if something before the route already read it.
  if (c.req.raw.bodyUsed) return c.req.text();
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await cappedText(c, MAX_JSON_BODY_BYTES);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'validation', 'request body must be JSON');
  }
}
