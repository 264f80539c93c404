import type { ErrorObject } from 'ajv';
import type { Payload } from './frames.ts';
import type { SchemaFailure } from './schemas.ts';

/**
 * Repairs for what real chargers get wrong but can be read safely: timestamps without a zone (taken as UTC) or
 * with a space for 'T', and numbers sent as strings. Anything else stays a schema violation.
 * Returns undefined when the error is not one of these.
 */
function repairOne(payload: Payload, error: ErrorObject): string | undefined {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = path.pop();
  let parent: any = payload;
  for (const p of path) parent = parent?.[p];
  if (parent === null || typeof parent !== 'object' || key === undefined) return undefined;
  const value = parent[key];
  if (error.keyword === 'format' && error.params['format'] === 'date-time' && typeof value === 'string') {
    const trimmed = value.trim().replace(' ', 'T');
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`;
    const parsed = new Date(withZone);
    if (Number.isNaN(parsed.getTime())) return undefined;
    parent[key] = parsed.toISOString();
    return `${error.instancePath}: timestamp '${value}' read as ${parent[key]}`;
  }
  if (error.keyword === 'type' && typeof value === 'string') {
    const expected = String(error.params['type']);
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n)) return undefined;
    if (expected === 'integer' && !Number.isInteger(n)) return undefined;
    if (expected !== 'integer' && expected !== 'number') return undefined;
    parent[key] = n;
    return `${error.instancePath}: number sent as string '${value}'`;
  }
  return undefined;
}

/** Tries to make `payload` valid by safe repairs; returns the repaired copy and what was repaired, or undefined. */
export function tolerate(
  payload: Payload,
  validate: (payload: Payload) => SchemaFailure | undefined,
  firstFailure: SchemaFailure,
): { payload: Payload; repairs: string[] } | undefined {
  let copy: Payload;
  try {
    copy = structuredClone(payload);
  } catch {
    return undefined; // e.g. nested too deep to copy: not a charger's honest mistake
  }
  const repairs: string[] = [];
  let failure: SchemaFailure | undefined = firstFailure;
  for (let i = 0; failure && i < 50; i++) {
    const error = failure.errors[0];
    const repair = error && repairOne(copy, error);
    if (!repair) return undefined;
    repairs.push(repair);
    failure = validate(copy);
  }
  return failure ? undefined : { payload: copy, repairs };
}
