import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createHttpApp } from '../app.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { openApiPath, registeredRoutes } from './document.ts';

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; 'x-required-role'?: string; security: unknown[]; responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
};

describe('the OpenAPI document', () => {
  let server: TestServer;
  let document: Document;
  before(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`); // no token: it is public
    assert.equal(res.status, 200);
    document = (await res.json()) as Document;
  });
  after(() => server.stop());

  it('validates against the OpenAPI 3.1 schema, with unique operation ids', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as Parameters<Validator['validate']>[0]);
    assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors)?.slice(0, 2000));
    assert.equal(result.valid, true);
    assert.equal(document.openapi, '3.1.0');
    const ids = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
  });

  it('lists every route hono has registered, and nothing else', () => {
    const routes = registeredRoutes(createHttpApp(server.appliance.services));
    assert.deepEqual(routes.filter((r) => !r.spec).map((r) => `${r.method} ${r.path}`), [], 'routes defined without defineRoute');
    const fromHono = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    const inDocument = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    // Station commands are listed one by one besides the generic route; everything else must be a hono route.
    const extra = inDocument.filter((op) => !fromHono.has(op) && !/^post \/api\/v1\/stations\/\{id\}\/commands\/[A-Za-z0-9]+$/.test(op));
    assert.deepEqual(extra, []);
    assert.ok(fromHono.size > 100, `only ${fromHono.size} routes`);
  });

  it('gives every JSON success response a schema', () => {
    const untyped: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const json = response.content?.['application/json'];
          if (/^2/.test(status) && json && Object.keys(json.schema ?? {}).length === 0) untyped.push(`${method} ${path} ${status}`);
        }
      }
    }
    assert.deepEqual(untyped, []);
  });

  it('documents each station command, and the role each operation needs', () => {
    const reset = document.paths['/api/v1/stations/{id}/commands/reset']?.['post'];
    assert.ok(reset, 'the reset command');
    assert.equal(reset['x-required-role'], 'operator');
    assert.equal(document.paths['/api/v1/stations/{id}/commands/installCertificate']?.['post']?.['x-required-role'], 'admin');
    assert.equal(document.paths['/api/v1/users']?.['get']?.['x-required-role'], 'admin');
    assert.deepEqual(document.paths['/api/v1/health']?.['get']?.security, []);
  });

  it('marks the load-management installation model admin-only, and vehicles and circuit overrides operator', () => {
    const role = (path: string, method: string) => document.paths[`/api/v1${path}`]?.[method]?.['x-required-role'];
    assert.equal(role('/site/circuits', 'post'), 'admin');
    assert.equal(role('/site/circuits/{id}', 'patch'), 'admin');
    assert.equal(role('/site/circuits/{id}', 'delete'), 'admin');
    assert.equal(role('/site/config', 'patch'), 'admin');
    assert.equal(role('/stations/{id}/electrical', 'put'), 'admin');
    assert.equal(role('/stations/{id}/electrical', 'delete'), 'admin');
    assert.equal(role('/site/circuits/{id}/override', 'put'), 'operator');
    assert.equal(role('/site/circuits/{id}/override', 'delete'), 'operator');
    assert.equal(role('/site/vehicles', 'post'), 'operator');
    assert.equal(role('/site/meter-readings', 'post'), 'operator');
    assert.equal(role('/site/circuits', 'get'), 'viewer');
    assert.equal(role('/stations/{id}/ocpp/{action}', 'post'), 'admin');
  });
});
