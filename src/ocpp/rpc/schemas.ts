import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import schemas16 from 'ocpp-rpc/lib/schemas/ocpp1_6.json' with { type: 'json' };
import schemas201 from 'ocpp-rpc/lib/schemas/ocpp2_0_1.json' with { type: 'json' };
import schemas21 from 'ocpp-rpc/lib/schemas/ocpp2_1.json' with { type: 'json' };
import type { OcppVersion } from '../versions.ts';
import { isDateTime } from './date-time-format.ts';
import type { RpcErrorKind } from './errors.ts';

// The official OCA JSON schemas as shipped (unmodified) in the npm package ocpp-rpc (MIT). OCPP 2.1's
// schemas there are named `urn:XRequest` / `urn:XResponse` rather than `urn:X.req` / `urn:X.conf`; the
// index below is built from each schema's own id, so both namings resolve.
type Schema = { $id: string } & Record<string, unknown>;
type Direction = 'request' | 'response';

export interface SchemaFailure {
  kind: RpcErrorKind;
  message: string;
  errors: ErrorObject[];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function indexSchemas(schemas: Schema[]): Map<string, { request?: Schema; response?: Schema }> {
  const index = new Map<string, { request?: Schema; response?: Schema }>();
  for (const schema of schemas) {
    const match = /^urn:(\w+?)(\.req|\.conf|Request|Response)?$/.exec(schema.$id);
    if (!match) continue;
    const action = match[1]!;
    const direction: Direction = match[2] === '.conf' || match[2] === 'Response' ? 'response' : 'request';
    const entry = index.get(action) ?? {};
    entry[direction] = schema;
    index.set(action, entry);
  }
  return index;
}

function kindOf(error: ErrorObject | undefined): RpcErrorKind {
  switch (error?.keyword) {
    case 'type':
      return 'TypeConstraintViolation';
    case 'required':
    case 'minItems':
    case 'maxItems':
    case 'additionalItems':
    case 'minProperties':
    case 'maxProperties':
      return 'OccurrenceConstraintViolation';
    case 'additionalProperties':
      return 'FormatViolation';
    default:
      return 'PropertyConstraintViolation';
  }
}

function describe(errors: ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((e) => {
      const at = e.instancePath || '(payload)';
      if (e.keyword === 'additionalProperties') return `${at} has unknown property '${String(e.params['additionalProperty'])}'`;
      if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify(e.params['allowedValues'])}`;
      return `${at} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

class VersionSchemas {
  private readonly ajv: Ajv;
  private readonly index: Map<string, { request?: Schema; response?: Schema }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(schemas: Schema[]) {
    // multipleOfPrecision: OCPP 1.6 limits are multipleOf 0.1, which plain floating point gets wrong (16.2 / 0.1).
    this.ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false, multipleOfPrecision: 6 });
    addFormats(this.ajv);
    this.ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    this.index = indexSchemas(schemas);
  }

  actions(): string[] {
    return [...this.index.keys()];
  }

  has(action: string, direction: Direction): boolean {
    return this.index.get(action)?.[direction] !== undefined;
  }

  /** Compiled on first use and kept: compiling all ~400 schemas up front would cost most of a second at start. */
  private validatorFor(action: string, direction: Direction): ValidateFunction | undefined {
    const key = `${action}/${direction}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = this.index.get(action)?.[direction];
      if (!schema) return undefined;
      validate = this.ajv.compile({ ...schema, $id: `ampyard:${key}` });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  validate(action: string, direction: Direction, payload: unknown): SchemaFailure | undefined {
    const validate = this.validatorFor(action, direction);
    if (!validate) return { kind: 'NotImplemented', message: `unknown action ${action}`, errors: [] };
    if (validate(payload)) return undefined;
    const errors = validate.errors ?? [];
    return { kind: kindOf(errors[0]), message: describe(errors), errors };
  }
}

export class SchemaRegistry {
  private readonly versions = new Map<OcppVersion, VersionSchemas>();

  private forVersion(version: OcppVersion): VersionSchemas {
    let schemas = this.versions.get(version);
    if (!schemas) {
      const source = version === '1.6' ? schemas16 : version === '2.0.1' ? schemas201 : schemas21;
      schemas = new VersionSchemas(source as unknown as Schema[]);
      this.versions.set(version, schemas);
    }
    return schemas;
  }

  actions(version: OcppVersion): string[] {
    return this.forVersion(version).actions();
  }

  knowsAction(version: OcppVersion, action: string): boolean {
    const schemas = this.forVersion(version);
    return schemas.has(action, 'request') || schemas.has(action, 'response');
  }

  validateRequest(version: OcppVersion, action: string, payload: unknown): SchemaFailure | undefined {
    return this.forVersion(version).validate(action, 'request', payload);
  }

  validateResponse(version: OcppVersion, action: string, payload: unknown): SchemaFailure | undefined {
    return this.forVersion(version).validate(action, 'response', payload);
  }
}
