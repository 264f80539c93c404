import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Schema = Record<string, any>;
export type OpenApiDocument = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));

/** The JSON schema the document gives for a response; fails when there is none (or an empty one). */
export function documentedSchema(document: OpenApiDocument, path: string, method: string, status: number): Schema {
  const schema = document.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
  assert.ok(schema && Object.keys(schema).length > 0, `${method} ${path} ${status} has a response schema`);
  return schema;
}

/**
 * Fails unless `body` matches the documented response schema. `closed` resources get additionalProperties: false,
 * so that an undocumented field fails too (not for a schema that extends one with `allOf`).
 */
export function assertDocumentedResponse(document: OpenApiDocument, path: string, method: string, status: number, body: unknown, closed: string[] = []): void {
  const schemas = structuredClone(document.components.schemas);
  for (const name of closed) schemas[name] = { ...schemas[name], additionalProperties: false };
  const validate = ajv.compile({ ...documentedSchema(document, path, method, status), components: { schemas } });
  assert.ok(validate(body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 1500)}`);
}
