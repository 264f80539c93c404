/**
 * The REST API's route registry. Every route is declared with `defineRoute` (or `defineList` for a list),
 * never with plain `app.get(...)`: it registers the hono handler, validates the query and the JSON body with
 * the schemas given here (a 400 `validation` error with `details.fields`, one per field) and records the
 * operation, from which src/api/openapi/document.ts generates the OpenAPI document (/api/v1/openapi.json).
 * A route hono knows but the document does not fails src/api/openapi/openapi.test.ts.
 *
 *   defineRoute(app, { method: 'get', path: '/:id', summary: 'One user', tags: ['Users'] }, (c) => c.json(users.require(idParam(c))));
 *   defineRoute<{ force?: boolean }, { name: string }>(
 *     app,
 *     { method: 'post', path: '/', summary: 'Create a thing', tags: ['Things'],
 *       query: { force: { type: 'boolean', description: 'even if …' } },
 *       body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
 *       responses: { 201: { description: 'The new thing' } } },
 *     async (c, { query, body }) => c.json(await things.create(body.name, query.force), 201),
 *   );
 *   defineList(app, { path: '/', summary: 'All users', tags: ['Users'], sort: ['username', 'createdAt'] }, () => users.list());
 *
 * Query values arrive as text and are coerced to the schema's type (`type: 'integer'` accepts "5"); empty
 * values count as absent; `format: 'date-time'` accepts anything Date.parse does and hands over ISO 8601 UTC.
 */
import type { Context, Hono } from 'hono';
import { checkParams } from '../../commands/params.ts';
import { jsonBody } from '../query.ts';
import { listQuery, sortAndPage, type ListQuery } from './list-query.ts';
import { readQuery } from './query-validation.ts';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** Default: any JSON. */
  schema?: JsonSchema;
  /** Default: application/json. */
  contentType?: string;
}

/** One more operation the document lists for a route, with some path parameters fixed (e.g. one per station command). */
export interface RouteVariant {
  params: Record<string, string>;
  summary: string;
  description?: string;
  body?: JsonSchema;
}

export interface RouteSpec {
  method: HttpMethod;
  /** Hono syntax, relative to the app the route is defined on (`/:id/approve`). */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** One JSON schema per query parameter (`description` goes to the parameter). */
  query?: Record<string, JsonSchema>;
  requiredQuery?: string[];
  /** Path parameters' schemas, for the document only (default: a string). */
  params?: Record<string, JsonSchema>;
  /** The JSON body's schema; the handler gets the body validated, with defaults filled in. */
  body?: JsonSchema;
  /** A body that is not read as JSON here (the handler reads it itself). */
  rawBody?: { contentType: string; description: string; schema?: JsonSchema };
  /** By HTTP status; default `200: OK` with JSON. Error responses are added by the document generator. */
  responses?: Record<number, ResponseSpec>;
  /** Who may call it, when not decided by src/auth/access-rules.ts (routes outside /api/v1). */
  security?: 'public' | 'metricsToken';
  variants?: () => RouteVariant[];
}

export interface RouteInput<Q, B> {
  query: Q;
  body: B;
}

export type RouteHandler<Q, B> = (c: Context, input: RouteInput<Q, B>) => Response | Promise<Response>;

const operations = new WeakMap<object, RouteSpec>();

/** The spec a handler hono has registered was defined with, if any. */
export function operationOf(handler: object): RouteSpec | undefined {
  return operations.get(handler);
}

export function defineRoute<Q = Record<string, unknown>, B = undefined>(app: Hono, spec: RouteSpec, handler: RouteHandler<Q, B>): void {
  const registered = async (c: Context) => {
    const query = readQuery(c, spec) as Q;
    const body = (spec.body ? checkParams(spec.body, await jsonBody(c)) : undefined) as B;
    return handler(c, { query, body });
  };
  operations.set(registered, spec);
  app.on(spec.method.toUpperCase(), spec.path, registered);
}

export interface ListSpec extends Omit<RouteSpec, 'method' | 'responses' | 'body' | 'rawBody'> {
  /** Fields of the items one may sort by (`sort=name`, `sort=-name` descending). */
  sort: string[];
  /** JSON schema of one item, for the document. */
  item?: JsonSchema;
}

/**
 * A GET answering `{ items, total }` with the same `limit`, `offset` and `sort` parameters as every list:
 * the handler returns all items (in their natural order), the registry sorts and pages them.
 */
export function defineList<T, Q = Record<string, unknown>>(app: Hono, spec: ListSpec, handler: (c: Context, input: RouteInput<Q & ListQuery, undefined>) => readonly T[] | Promise<readonly T[]>): void {
  const { sort, item, ...rest } = spec;
  const route: RouteSpec = {
    ...rest,
    method: 'get',
    query: { ...spec.query, ...listQuery(sort) },
    responses: { 200: { description: 'One page of the list, and how many items there are in all', schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: item ?? {} }, total: { type: 'integer' } } } } },
  };
  defineRoute<Q & ListQuery, undefined>(app, route, async (c, input) => c.json(sortAndPage(await handler(c, input), input.query)));
}
