import type { JsonSchema } from './define-route.ts';

/** Query parameter schemas many routes share. */
export const limitParam = (fallback: number, max: number): JsonSchema => ({ type: 'integer', minimum: 1, maximum: max, default: fallback, description: 'At most this many items' });

/** Cursor paging of a log, newest first. */
export const beforeIdParam: JsonSchema = { type: 'integer', minimum: 1, description: 'Only entries with a smaller id (the last id of the previous page)' };

export const timeParam = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });

export const textParam = (description: string): JsonSchema => ({ type: 'string', description });

export const enumParam = (values: readonly (string | number)[], description?: string): JsonSchema => ({ enum: [...values], ...(description ? { description } : {}) });
