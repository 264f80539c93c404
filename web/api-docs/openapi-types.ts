/** The parts of the OpenAPI document (GET /api/v1/openapi.json) the reference page reads. */
export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { description?: string; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description?: string; $ref?: string }>;
  security: unknown[];
  'x-required-role'?: string;
}

export interface Document {
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
}

export interface Entry {
  method: string;
  path: string;
  op: Operation;
}

export function entriesOf(doc: Document): Entry[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}
