import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ParamsSchema } from './spec.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
const cache = new WeakMap<object, ValidateFunction>();
// Routes pass their schema as a literal, a new object on every request; ajv keeps every schema object it
// compiles, so compiling per object would grow the heap with each request. One compile per distinct schema.
const byText = new Map<string, ValidateFunction>();

export interface FieldError {
  field: string;
  message: string;
}

export class ParamsError extends Error {
  readonly fields: FieldError[];
  constructor(fields: FieldError[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
    this.name = 'ParamsError';
    this.fields = fields;
  }
}

/** Validates (and fills defaults into) `input` against a JSON schema; throws ParamsError with one entry per field. */
export function checkParams<T>(schema: ParamsSchema | Record<string, unknown>, input: unknown): T {
  let validate = cache.get(schema);
  if (!validate) {
    const text = JSON.stringify(schema);
    validate = byText.get(text) ?? ajv.compile(schema);
    byText.set(text, validate);
    cache.set(schema, validate);
  }
  const value = input ?? {};
  if (validate(value)) return value as T;
  throw new ParamsError(fieldErrors(validate.errors ?? []));
}

/** One entry per failing field of an ajv result, named by its dotted path (`evses.0.rotation`). */
export function fieldErrors(errors: ErrorObject[]): FieldError[] {
  return errors.map((e) => {
    const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (e.keyword === 'required') {
      const missing = String(e.params['missingProperty']);
      return { field: base ? `${base}.${missing}` : missing, message: 'is required' };
    }
    if (e.keyword === 'additionalProperties') {
      const extra = String(e.params['additionalProperty']);
      return { field: base ? `${base}.${extra}` : extra, message: 'is not a known field' };
    }
    if (e.keyword === 'enum') return { field: base || '(body)', message: `must be one of ${(e.params['allowedValues'] as unknown[]).join(', ')}` };
    return { field: base || '(body)', message: e.message ?? 'is invalid' };
  });
}
