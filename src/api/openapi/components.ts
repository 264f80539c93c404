/** The shared parts of the OpenAPI document: the error shape, the error responses, the resources' schemas, how to sign in. */
import { resourceSchemas } from './resource-schemas.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable: validation, not_found, conflict, unauthenticated, forbidden, station_offline, …' },
        message: { type: 'string', description: 'For people' },
        details: { description: 'More about it; for `validation`, `fields`', oneOf: [{ $ref: '#/components/schemas/FieldErrors' }, { type: 'object' }] },
      },
    },
  },
};

const fieldErrorsSchema = {
  type: 'object',
  required: ['fields'],
  properties: {
    fields: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string', description: 'Dotted path, e.g. `evses.0.maxCurrentA`' }, message: { type: 'string' } } },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export const components = {
  schemas: { Error: errorSchema, FieldErrors: fieldErrorsSchema, ...resourceSchemas },
  responses: {
    ValidationError: errorResponse('A query parameter or body field is not valid (`validation`, with `details.fields`)'),
    Unauthenticated: errorResponse('Not signed in, or the session or API token is no longer valid'),
    Forbidden: errorResponse('The signed-in user lacks the role, or the CSRF header is missing'),
    NotFound: errorResponse('No such resource'),
    Error: errorResponse('Any other error, e.g. 409 conflict, 409 station_offline, 504 station_timeout, 503 storage_unavailable'),
  },
  securitySchemes: {
    sessionCookie: { type: 'apiKey', in: 'cookie', name: 'ampyard_session', description: 'Set by POST /api/v1/auth/login. Changing requests must also send the session CSRF token (from GET /api/v1/auth/me) as the `x-csrf-token` header.' },
    apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (Settings → API tokens, or `ampyard tokens create`)' },
    metricsToken: { type: 'http', scheme: 'bearer', description: 'The Prometheus scrape token from the configuration' },
  },
};

export function errorResponses(options: { validated: boolean; signedIn: boolean; hasPathParams: boolean }): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
  return {
    ...(options.validated ? { 400: ref('ValidationError') } : {}),
    ...(options.signedIn ? { 401: ref('Unauthenticated'), 403: ref('Forbidden') } : {}),
    ...(options.hasPathParams ? { 404: ref('NotFound') } : {}),
    default: ref('Error'),
  };
}
