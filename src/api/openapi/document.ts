/**
 * The OpenAPI 3.1 document of the REST API, generated from what hono has registered (its `routes`) and the
 * specs the routes were defined with (src/api/openapi/define-route.ts): nothing here is written by hand per route.
 */
import type { Hono } from 'hono';
import { requiredAccess } from '../../auth/access-rules.ts';
import { operationOf, type JsonSchema, type RouteSpec, type RouteVariant } from './define-route.ts';
import { components, errorResponses } from './components.ts';

const API_PREFIX = '/api/v1';

interface RegisteredRoute {
  method: string;
  /** Hono syntax, full path. */
  path: string;
  spec: RouteSpec | undefined;
}

/** Every method+path hono routes (not middleware, not the UI's catch-all), with the spec it was defined with. */
export function registeredRoutes(app: Hono): RegisteredRoute[] {
  const byKey = new Map<string, RegisteredRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path === '*' || r.path === '/*') continue;
    const key = `${r.method} ${r.path}`;
    const spec = operationOf(r.handler);
    const known = byKey.get(key);
    if (!known || (!known.spec && spec)) byKey.set(key, { method: r.method, path: r.path, spec: spec ?? known?.spec });
  }
  return [...byKey.values()];
}

/** `/stations/:id/commands/:name` → `/stations/{id}/commands/{name}` (a hono `{regex}` suffix dropped). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

const pathParams = (path: string) => [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);

function operationId(method: string, path: string): string {
  const words = path.replace(/^\/api\/v1/, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

function parameter(name: string, location: 'path' | 'query', schema: JsonSchema, required: boolean) {
  const { description, ...rest } = schema;
  return { name, in: location, required, ...(description !== undefined ? { description } : {}), schema: rest };
}

function security(method: string, path: string, spec: RouteSpec): { security: unknown[]; role?: string } {
  if (spec.security === 'metricsToken') return { security: [{ metricsToken: [] }] };
  if (spec.security === 'public' || !path.startsWith(`${API_PREFIX}/`)) return { security: [] };
  const access = requiredAccess(method, path.slice(API_PREFIX.length).replace(/\{[^}]+\}/g, 'x'));
  if (access === 'public') return { security: [] };
  return { security: [{ sessionCookie: [] }, { apiToken: [] }], role: access };
}

function requestBody(json: JsonSchema | undefined, raw: RouteSpec['rawBody']) {
  if (json) return { requestBody: { required: true, content: { 'application/json': { schema: json } } } };
  if (raw) return { requestBody: { required: true, description: raw.description, content: { [raw.contentType]: { schema: raw.schema ?? {} } } } };
  return {};
}

function operation(method: string, path: string, spec: RouteSpec, variant?: RouteVariant) {
  const fixed = variant?.params ?? {};
  const { security: needs, role } = security(method, path, spec);
  const parameters = [
    ...pathParams(path).filter((p) => !(p in fixed)).map((p) => parameter(p, 'path', spec.params?.[p] ?? { type: 'string' }, true)),
    ...Object.entries(spec.query ?? {}).map(([name, schema]) => parameter(name, 'query', schema, spec.requiredQuery?.includes(name) ?? false)),
  ];
  const description = [variant ? variant.description : spec.description, role ? `Needs the \`${role}\` role.` : undefined].filter(Boolean).join('\n\n');
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses ?? { 200: { description: 'OK' } })) {
    responses[status] = status === '204' ? { description: r.description } : { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema ?? {} } } };
  }
  const hasInput = Boolean(spec.body || spec.rawBody || Object.keys(spec.query ?? {}).length);
  Object.assign(responses, errorResponses({ validated: hasInput, signedIn: needs.length > 0, hasPathParams: pathParams(path).length > 0 }));
  return {
    operationId: operationId(method, variant ? path.replace(/\{([^}]+)\}/g, (all, p: string) => fixed[p] ?? all) : path),
    summary: variant?.summary ?? spec.summary,
    ...(description ? { description } : {}),
    tags: spec.tags,
    ...(parameters.length ? { parameters } : {}),
    ...requestBody(variant?.body ?? spec.body, variant?.body ? undefined : spec.rawBody),
    responses,
    security: needs,
    ...(role ? { 'x-required-role': role } : {}),
  };
}

const documents = new WeakMap<Hono, object>();

/** The document for an app; built once (routes do not change after start-up). */
export function openApiDocument(app: Hono, version: string): object {
  const cached = documents.get(app);
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  const add = (path: string, method: string, op: unknown) => ((paths[path] ??= {})[method.toLowerCase()] = op);
  for (const { method, path: honoPath, spec } of registeredRoutes(app)) {
    if (!spec) continue;
    const path = openApiPath(honoPath);
    spec.tags.forEach((t) => tags.add(t));
    add(path, method, operation(method, path, spec));
    for (const variant of spec.variants?.() ?? []) {
      const concrete = path.replace(/\{([^}]+)\}/g, (all, p: string) => variant.params[p] ?? all);
      add(concrete, method, operation(method, concrete, spec, variant));
    }
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Ampyard REST API',
      version,
      description: 'The charging station management API of this appliance. Sign in (session cookie, plus the `x-csrf-token` header on changes) or send an API token as `Authorization: Bearer <token>`. Errors are `{"error":{"code","message","details"}}`; validation errors list each field in `details.fields`. Lists answer `{"items","total"}` and take `limit` and `offset`.',
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
  };
  documents.set(app, document);
  return document;
}
