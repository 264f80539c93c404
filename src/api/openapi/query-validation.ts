import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Context } from 'hono';
import { fieldErrors, ParamsError } from '../../commands/params.ts';
import type { JsonSchema, RouteSpec } from './define-route.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// Query values are text: coerce them to the declared type; a time is anything Date.parse reads.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: true }));
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });

const compiled = new WeakMap<RouteSpec, ValidateFunction>();

const isArray = (schema: JsonSchema) => schema['type'] === 'array';

/** The declared query parameters of a request, validated, coerced and with defaults; throws ParamsError. */
export function readQuery(c: Context, spec: RouteSpec): Record<string, unknown> {
  const declared = spec.query ?? {};
  const query: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(declared)) {
    if (isArray(schema)) {
      const values = (c.req.queries(name) ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
      if (values.length) query[name] = values;
    } else {
      const value = c.req.query(name);
      if (value !== undefined && value !== '') query[name] = value;
    }
  }
  let validate = compiled.get(spec);
  if (!validate) {
    validate = ajv.compile({ type: 'object', properties: declared, required: spec.requiredQuery ?? [] });
    compiled.set(spec, validate);
  }
  if (!validate(query)) throw new ParamsError(fieldErrors(validate.errors ?? []));
  for (const [name, schema] of Object.entries(declared)) {
    if (schema['format'] === 'date-time' && typeof query[name] === 'string') query[name] = new Date(Date.parse(query[name])).toISOString();
  }
  return query;
}
