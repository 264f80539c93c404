/** Small readers for schema-validated payloads. */
export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
export const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);
export const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
export const obj = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
export const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.map(obj) : []);
