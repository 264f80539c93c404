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

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'validation', 'request body must be JSON');
  }
}
