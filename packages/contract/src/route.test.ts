import { describe, expect, it } from 'vitest';
import { type ApiRoute, pathOf, pathParameterNames, route } from './route';
import { API_ROUTES, ROUTE_TABLES } from './routes';

describe('route declarations', () => {
  it('default to a 200 answer and keep an explicit status', () => {
    expect(route('GET', '/api/v1/things', {}).status).toBe(200);
    expect(route('POST', '/api/v1/things', { status: 201 }).status).toBe(201);
  });

  it('fill a path template with encoded parameters, so an id cannot reach another path', () => {
    const thing = route('GET', '/api/v1/things/{id}/parts/{part}', {});
    expect(pathOf(thing, { id: '../admin?x=1', part: 7 })).toBe('/api/v1/things/..%2Fadmin%3Fx%3D1/parts/7');
    expect(() => pathOf(thing, { id: 'a' })).toThrow(/needs the parameter "part"/);
    expect(pathParameterNames(thing.path)).toEqual(['id', 'part']);
  });
});

describe('the API route table', () => {
  const entries = Object.entries(API_ROUTES) as Array<[string, ApiRoute]>;

  it('names each operation once across the domain tables', () => {
    const names = ROUTE_TABLES.flatMap((table) => Object.keys(table));
    expect(new Set(names).size).toBe(names.length);
    expect(entries.length).toBe(names.length);
  });

  it('declares each operation once by method and path', () => {
    const keys = entries.map(([, r]) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('declares exactly the path parameters its template names', () => {
    for (const [name, r] of entries) {
      const declared = Object.keys((r.params as { properties?: object } | undefined)?.properties ?? {}).sort();
      expect(declared, name).toEqual(pathParameterNames(r.path).sort());
    }
  });

  it('gives a body only to methods that carry one', () => {
    for (const [name, r] of entries) if (r.body) expect(['POST', 'PUT', 'PATCH', 'DELETE'], name).toContain(r.method);
  });
});
