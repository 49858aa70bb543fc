import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PERMISSIONS, type Permission, ProblemType, ROLES, type Role } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLE_PERMISSIONS } from '../src/modules/auth/auth.policy';
import { sha256Hex } from '../src/platform/crypto/secret-box';
import type { RouteAccess } from '../src/platform/http/principal';
import { PUBLIC_OPERATIONS } from './fixtures/public-operations';
import { type Agent, createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from './harness';

/**
 * Every route the app registers, with the access policy it declared, keyed by server instance. Fastify 5's
 * `findRoute` does not expose a route's config, so the test wraps `createHttpServer` and listens to `onRoute`:
 * every module's routes are registered after the server is built, so each one passes through this hook.
 */
const registered = vi.hoisted(() => new WeakMap<object, Map<string, { public?: boolean; permission?: string; agent?: boolean }>>());

vi.mock('../src/platform/http/http-server', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/platform/http/http-server')>();
  return {
    ...original,
    async createHttpServer(options: Parameters<typeof original.createHttpServer>[0]) {
      const app = await original.createHttpServer(options);
      const routes = new Map<string, { public?: boolean; permission?: string; agent?: boolean; sessionOnly?: boolean }>();
      registered.set(app, routes);
      app.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods)
          routes.set(`${method} ${route.url}`, { ...((route.config ?? {}) as RouteAccess & { sessionOnly?: boolean }) });
      });
      return app;
    },
  };
});

const EXPECTED_PUBLIC = PUBLIC_OPERATIONS;

/**
 * Operations host agents call with signed requests instead of a session or token. Adding one must be a deliberate,
 * reviewed change to this list: such a route is authenticated by the agents module, not by a permission.
 */
const EXPECTED_AGENT = [
  'GET /api/v1/agent/config',
  'POST /api/v1/agent/inventory',
  'POST /api/v1/agent/metrics',
  'GET /api/v1/agent/checks',
  'POST /api/v1/agent/check-results',
].sort();

/** Routes outside the OpenAPI document that must still be walked. */
const EXTRA_OPERATIONS = ['GET /api/v1/openapi.json', 'GET /metrics', 'GET /healthz', 'GET /readyz'];

const SOME_ID = '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b';

interface Operation {
  method: string;
  /** The route pattern as registered (`:id`). */
  route: string;
  /** A concrete URL for the pattern. */
  url: string;
  key: string;
}

async function operationsOf(t: TestEstate): Promise<Operation[]> {
  const res = await t.anonymous().request('GET', '/api/v1/openapi.json');
  expect(res.statusCode).toBe(200);
  const doc = res.json() as { paths: Record<string, Record<string, unknown>> };
  const keys = new Set(EXTRA_OPERATIONS);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) keys.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return [...keys].sort().map((key) => {
    const [method, path] = key.split(' ') as [string, string];
    const route = path.replace(/\{(\w+)\}/g, ':$1');
    return { method, route, url: route.replace(/:\w+/g, SOME_ID), key: `${method} ${route}` };
  });
}

function expectProblem(res: LightMyRequestResponse, status: number, type: string, context: string): void {
  expect(res.statusCode, `${context}: ${res.body}`).toBe(status);
  expect(res.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  expect(res.json().type, context).toBe(type);
}

async function countRows(t: TestEstate, table: string): Promise<number> {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sends a request over a real socket with the path exactly as given (no client-side normalisation). */
function rawRequest(port: number, method: string, path: string, body?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (const engine of testEngines()) {
  describe(`route access on ${engine.dialect}`, () => {
    let t: TestEstate;
    let operations: Operation[];
    let policies: Map<string, { public?: boolean; permission?: string; agent?: boolean; sessionOnly?: boolean }>;
    let admin: Agent;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      operations = await operationsOf(t);
      policies = registered.get(t.estate.http)!;
      expect(policies, 'the onRoute capture must see the app').toBeDefined();
      // The one platform route registered before the capture hook; declared public in http-server.ts.
      policies.set('GET /api/v1/openapi.json', { public: true });
    });
    afterAll(() => t?.close());

    const policyOf = (op: Operation) => {
      const policy = policies.get(op.key);
      expect(policy, `${op.key} is in the API but was not registered through the app`).toBeDefined();
      return policy!;
    };

    it('before setup, the setup route answers (control for the 404 checks below)', async () => {
      const res = await t.anonymous().request('GET', '/api/v1/setup');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ setupRequired: true });
    });

    it('every operation declares a known permission or is in the reviewed public list', () => {
      expect(operations.length).toBeGreaterThan(15);
      for (const op of operations) {
        const policy = policyOf(op);
        if (!policy.public && !policy.agent) expect(PERMISSIONS, op.key).toContain(policy.permission);
        if (policy.agent) expect(policy.public || policy.permission, op.key).toBeFalsy();
      }
      const publicOps = operations.filter((op) => policyOf(op).public).map((op) => op.key);
      expect(publicOps.sort()).toEqual(EXPECTED_PUBLIC);
      const agentOps = operations.filter((op) => policyOf(op).agent).map((op) => op.key);
      expect(agentOps.sort()).toEqual(EXPECTED_AGENT);
    });

    it('anonymous callers get 401 problem+json on every non-public operation', async () => {
      const anonymous = t.anonymous();
      let checked = 0;
      for (const op of operations.filter((o) => !policyOf(o).public)) {
        expectProblem(await anonymous.request(op.method, op.url), 401, ProblemType.unauthenticated, `anonymous ${op.key}`);
        expectProblem(
          await anonymous.request(op.method, op.url, undefined, { authorization: 'Bearer estate_not-a-real-token-0000000000000000' }),
          401,
          ProblemType.unauthenticated,
          `bogus bearer ${op.key}`,
        );
        expectProblem(
          await anonymous.request(op.method, op.url, undefined, { cookie: 'estate_session=forged-session-value' }),
          401,
          ProblemType.unauthenticated,
          `forged cookie ${op.key}`,
        );
        checked++;
      }
      expect(checked).toBeGreaterThan(12);
    });

    it('public operations answer anonymous callers without 401/403', async () => {
      const anonymous = t.anonymous();
      for (const op of operations.filter((o) => policyOf(o).public && o.method === 'GET')) {
        const res = await anonymous.request(op.method, op.url);
        // A ping URL with a made-up token names no check (404), or no ping kind (400): never 401 or 403.
        if (op.route.startsWith('/api/v1/push/')) expect([400, 404], `${op.key}: ${res.body}`).toContain(res.statusCode);
        // A calendar feed without its token is a 404 (nothing said about whether the feed exists): never 401 or 403.
        // A made-up action-link token is malformed (400) or signed by no one (404): never 401 or 403.
        else if (op.route.startsWith('/api/v1/alerting/actions/')) expect([400, 404], `${op.key}: ${res.body}`).toContain(res.statusCode);
        else if (op.route.endsWith('/calendar.ics')) expect(res.statusCode, `${op.key}: ${res.body}`).toBe(404);
        // A made-up slug names no public status page: 404, never 401 or 403.
        else if (op.route.startsWith('/api/v1/public/status/')) expect(res.statusCode, `${op.key}: ${res.body}`).toBe(404);
        else expect(res.statusCode, op.key).toBe(200);
      }
    });

    it('each role gets 403 (and an authz.denied audit event) on every operation it lacks the permission for', async () => {
      admin = await t.setupAdmin();
      const countDenied = () =>
        t.database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('action', '=', 'authz.denied')
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n));
      const deniedBefore = await countDenied();
      let denials = 0;
      const deniedPerRole: Record<string, number> = {};
      for (const role of Object.keys(ROLE_PERMISSIONS) as Role[]) {
        const agent = role === 'admin' ? admin : await t.userWithRole(role);
        const held = ROLE_PERMISSIONS[role];
        deniedPerRole[role] = 0;
        for (const op of operations.filter((o) => !policyOf(o).public && !policyOf(o).agent)) {
          const permission = policyOf(op).permission as Permission;
          if (held.has(permission)) {
            if (op.method === 'GET') {
              const res = await agent.request(op.method, op.url);
              expect([401, 403], `${role} holds ${permission} for ${op.key}: ${res.body}`).not.toContain(res.statusCode);
            }
            continue;
          }
          expectProblem(await agent.request(op.method, op.url), 403, ProblemType.forbidden, `${role} on ${op.key}`);
          denials++;
          deniedPerRole[role]++;
        }
      }
      expect(deniedPerRole.admin).toBe(0);
      for (const role of ROLES.filter((r) => r !== 'admin')) expect(deniedPerRole[role], `${role} is denied something`).toBeGreaterThan(0);
      expect(await countDenied()).toBe(deniedBefore + denials);
    });

    it('an API token is held to its scopes: a self-only admin token is refused everything else', async () => {
      const created = await admin.request('POST', '/api/v1/tokens', { name: 'narrow', scopes: ['self'] });
      expect(created.statusCode).toBe(201);
      const bearer = { authorization: `Bearer ${created.json().token}` };
      const anonymous = t.anonymous();
      let refused = 0;
      for (const op of operations.filter((o) => !policyOf(o).public && !policyOf(o).agent)) {
        if (policyOf(op).sessionOnly) {
          // The password, second factor and sessions: never through a token, whatever its scopes (writes included).
          const res = await anonymous.request(op.method, op.url, op.method === 'GET' ? undefined : {}, bearer);
          expectProblem(res, 403, ProblemType.sessionRequired, `self token on ${op.key}`);
          refused++;
        } else if (policyOf(op).permission === 'self') {
          // Only reads: a write the token may make (start MFA enrolment, revoke itself) would change later steps.
          if (op.method !== 'GET') continue;
          const res = await anonymous.request(op.method, op.url, undefined, bearer);
          expect([401, 403], `${op.key}: ${res.body}`).not.toContain(res.statusCode);
        } else {
          const res = await anonymous.request(op.method, op.url, undefined, bearer);
          expectProblem(res, 403, ProblemType.forbidden, `self token on ${op.key}`);
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(3);
    });

    it('agent operations refuse unsigned requests with 401 even from a signed-in admin', async () => {
      for (const op of operations.filter((o) => policyOf(o).agent)) {
        for (const caller of [t.anonymous(), admin]) {
          const res = await caller.request(op.method, op.url, op.method === 'POST' ? {} : undefined);
          expectProblem(res, 401, ProblemType.unauthenticated, `unsigned ${op.key}`);
          expect(res.headers['x-estate-server-signature'], `${op.key} answers are signed`).toEqual(expect.any(String));
        }
      }
    });

    it('no route outside the OpenAPI document is public, except docs assets', () => {
      const known = new Set(operations.map((op) => op.key));
      const hiddenPublic = [...policies.entries()]
        .filter(([key, p]) => p.public && !key.startsWith('HEAD ') && !known.has(key))
        .map(([key]) => key)
        .filter((key) => !key.split(' ')[1]!.startsWith('/api/docs'));
      expect(hiddenPublic).toEqual([]);
      // And every registered non-HEAD route is walked by this suite.
      const unwalked = [...policies.keys()].filter((key) => !key.startsWith('HEAD ') && !key.includes('/api/docs') && !known.has(key));
      expect(unwalked).toEqual([]);
    });

    it('a 403 is audited with the caller, the route and the permission it lacked', async () => {
      const viewer = await t.userWithRole('viewer');
      const res = await viewer.request('POST', '/api/v1/users', {
        email: 'x@example.org',
        name: 'x',
        role: 'admin',
        password: STRONG_PASSWORD,
      });
      expectProblem(res, 403, ProblemType.forbidden, 'viewer creating a user');
      const events = await admin.request('GET', '/api/v1/audit-events?action=authz.denied&limit=1');
      expect(events.statusCode).toBe(200);
      const [event] = events.json().items;
      expect(event).toMatchObject({
        action: 'authz.denied',
        outcome: 'denied',
        actorType: 'user',
        actorId: viewer.me!.user.id,
        targetType: 'route',
        targetId: 'POST /api/v1/users',
        after: { permission: 'users:write' },
        requestId: res.headers['x-request-id'],
      });
    });

    it('a URL no route matches answers 404 to anyone, and is not audited as a refusal', async () => {
      const before = await countRows(t, 'audit_events');
      for (const agent of [t.anonymous(), admin]) {
        for (const [method, url] of [
          ['GET', '/api/v1/no-such-thing'],
          ['POST', '/api/v1/users/x/y/z'],
          ['OPTIONS', '/api/v1/users'],
          ['DELETE', '/api/v1/me'],
        ] as const) {
          expectProblem(await agent.request(method, url), 404, ProblemType.notFound, `${method} ${url}`);
        }
      }
      expect(await countRows(t, 'audit_events')).toBe(before);
    });

    it('after setup, no method or spelling of /api/v1/setup reaches anything, and none creates a user', async () => {
      // A still-valid setup token (as another process could hold) makes a bypass observable as a new admin.
      const leaked = 'leaked-setup-token-for-the-bypass-test';
      await t.database.db
        .insertInto('system_state')
        .values({ key: `setup_token:${sha256Hex(leaked)}`, value: String(Date.now() + 3_600_000), updated_at: Date.now() })
        .execute();
      const usersBefore = await countRows(t, 'users');
      const sessionsBefore = await countRows(t, 'sessions');
      await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.estate.http.server.address() as AddressInfo;
      const body = JSON.stringify({ token: leaked, email: 'intruder@example.org', name: 'Intruder', password: STRONG_PASSWORD });
      const variants = [
        '/api/v1/setup',
        '/api/v1/setup/',
        '//api/v1/setup',
        '/api/v1//setup',
        '/api/v1/%2e/setup',
        '/api/v1/./setup',
        '/API/V1/SETUP',
        '/api/v1/setup?x=1',
        '/api/v1/Setup',
        '/api/v1/setup%2f',
      ];
      for (const path of variants) {
        for (const method of ['GET', 'POST', 'HEAD', 'OPTIONS']) {
          const res = await rawRequest(port, method, path, method === 'POST' ? body : undefined);
          expect(res.status, `${method} ${path}: ${res.body}`).toBe(404);
          expect(res.type, `${method} ${path}`).toMatch(/^application\/problem\+json/);
          if (method !== 'HEAD') expect(JSON.parse(res.body).type, `${method} ${path}`).toBe(ProblemType.notFound);
        }
      }
      expect(await countRows(t, 'users')).toBe(usersBefore);
      expect(await countRows(t, 'sessions')).toBe(sessionsBefore);
      const intruder = await t.anonymous().login('intruder@example.org', STRONG_PASSWORD);
      expect(intruder.statusCode).toBe(401);
    });
  });
}
