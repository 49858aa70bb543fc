import { API_ROUTES, type ApiRoute } from '@estate/contract';
import type { FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from './harness';

/**
 * The server stays in step with the contract's route table: every operation the clients call through the table is
 * registered with the same method and path, and validates and answers with the same schemas. A route whose path,
 * method, request schemas, success status or answer schema drifts from its declaration fails here.
 */

/** The schemas of every registered route, keyed by server instance, then by `METHOD /path/:param`. */
const registered = vi.hoisted(() => new WeakMap<object, Map<string, FastifySchema | undefined>>());

vi.mock('../src/platform/http/http-server', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/platform/http/http-server')>();
  return {
    ...original,
    async createHttpServer(options: Parameters<typeof original.createHttpServer>[0]) {
      const app = await original.createHttpServer(options);
      const routes = new Map<string, FastifySchema | undefined>();
      registered.set(app, routes);
      app.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) routes.set(`${method} ${route.url}`, route.schema);
      });
      return app;
    },
  };
});

/** The route as Fastify registers it: `{id}` becomes `:id`. */
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** A schema as plain JSON, so that two schemas built alike compare equal whatever their object identity. */
const plain = (schema: unknown) => (schema === undefined ? undefined : JSON.parse(JSON.stringify(schema)));

// Route registration does not depend on the engine: the embedded one is enough.
const [engine] = testEngines();

describe('the contract route table', () => {
  let t: TestEstate;
  let schemas: Map<string, FastifySchema | undefined>;
  let openApiPaths: Record<string, Record<string, unknown>>;
  const entries = Object.entries(API_ROUTES) as Array<[string, ApiRoute]>;

  beforeAll(async () => {
    t = await createTestEstate(engine!);
    schemas = registered.get(t.estate.http)!;
    expect(schemas, 'the onRoute capture must see the app').toBeDefined();
    const doc = await t.anonymous().request('GET', '/api/v1/openapi.json');
    openApiPaths = (doc.json() as { paths: Record<string, Record<string, unknown>> }).paths;
  });
  afterAll(() => t?.close());

  it('declares operations for the server to check', () => {
    expect(entries.length).toBeGreaterThan(60);
  });

  it('every operation is registered with its method and path, and published in the OpenAPI document', () => {
    for (const [name, route] of entries) {
      expect(schemas.has(`${route.method} ${fastifyPath(route.path)}`), `${name}: ${route.method} ${route.path} is not registered`).toBe(
        true,
      );
      expect(
        openApiPaths[route.path]?.[route.method.toLowerCase()],
        `${name}: ${route.method} ${route.path} is not in the OpenAPI document`,
      ).toBeDefined();
    }
  });

  it('every operation validates its params, query and body with the declared schemas', () => {
    for (const [name, route] of entries) {
      const schema = schemas.get(`${route.method} ${fastifyPath(route.path)}`) ?? {};
      expect(plain(schema.params), `${name}: params`).toEqual(plain(route.params));
      expect(plain(schema.querystring), `${name}: query`).toEqual(plain(route.query));
      expect(plain(schema.body), `${name}: body`).toEqual(plain(route.body));
    }
  });

  it('every operation answers success with the declared status and schema, and with no other success status', () => {
    for (const [name, route] of entries) {
      const responses = (schemas.get(`${route.method} ${fastifyPath(route.path)}`)?.response ?? {}) as Record<string, unknown>;
      const successes = Object.keys(responses).filter((status) => status.startsWith('2'));
      expect(successes, `${name}: success statuses`).toEqual(route.response === undefined ? [] : [String(route.status)]);
      expect(plain(responses[route.status]), `${name}: response ${route.status}`).toEqual(plain(route.response));
    }
  });
});
