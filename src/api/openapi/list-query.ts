import type { JsonSchema } from './define-route.ts';

/** The paging parameters every list takes; routes that page in SQL spread these into their `query`. */
export const pagingQuery = (defaultLimit = 50, maxLimit = 1000): Record<string, JsonSchema> => ({
  limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit, description: 'At most this many items' },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'Skip this many items first' },
});

export interface ListQuery {
  limit: number;
  offset: number;
  sort?: string;
}

/** `limit`, `offset` and `sort` (a field, or `-field` for descending) of an in-memory list. */
export function listQuery(fields: string[]): Record<string, JsonSchema> {
  return {
    ...pagingQuery(1000, 10_000),
    ...(fields.length ? { sort: { type: 'string', enum: fields.flatMap((f) => [f, `-${f}`]), description: 'Sort by this field; a leading `-` sorts descending. Default: the natural order.' } } : {}),
  };
}

function compare(a: unknown, b: unknown): number {
  // Missing values last, whichever the direction.
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

export function sortAndPage<T>(all: readonly T[], query: ListQuery): { items: T[]; total: number } {
  let items = [...all];
  if (query.sort) {
    const descending = query.sort.startsWith('-');
    const field = descending ? query.sort.slice(1) : query.sort;
    const value = (item: T) => (item as Record<string, unknown>)[field];
    items.sort((x, y) => {
      const [a, b] = [value(x), value(y)];
      if (a === undefined || a === null || b === undefined || b === null) return compare(a, b);
      return descending ? compare(b, a) : compare(a, b);
    });
  }
  items = items.slice(query.offset, query.offset + query.limit);
  return { items, total: all.length };
}
