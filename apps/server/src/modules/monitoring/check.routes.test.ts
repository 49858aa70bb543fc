import { startHttpServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import type { Check } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { publishedEvents } from '../../platform/events/outbox.fixtures';

const CHECKS = '/api/v1/checks';

describe.each(testEngines())('checks API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let target: TestServer;
  let healthy = true;
  const authorizations: string[] = [];

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    target = await startHttpServer((req, res) => {
      authorizations.push(req.headers.authorization ?? '');
      if (req.url === '/health' && healthy) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else {
        res.writeHead(503).end('unavailable');
      }
    });
  });
  afterAll(async () => {
    await target?.close();
    await t?.close();
  });

  const url = (path: string) => `http://127.0.0.1:${target.port}${path}`;
  const create = async (body: Record<string, unknown>) => admin.request('POST', CHECKS, body);

  it('lists the check types with their placeholders, default conditions and secrets', async () => {
    const res = await admin.request('GET', '/api/v1/check-types');
    expect(res.statusCode).toBe(200);
    const http = res.json().items.find((i: { type: string }) => i.type === 'http');
    expect(http).toMatchObject({ defaultConditions: ['[STATUS] < 400'], secretNames: ['password', 'token'] });
    expect(http.placeholders).toContain('[BODY]');
  });

  it('creates an HTTP check with defaults, runs it now, and keeps its state, result, history and uptime', async () => {
    const created = await create({ name: 'API health', type: 'http', config: { url: url('/health') }, conditions: ['[BODY].ok == true'] });
    expect(created.statusCode, created.body).toBe(201);
    const check = created.json() as Check;
    expect(check).toMatchObject({
      name: 'API health',
      type: 'http',
      enabled: true,
      target: url('/health'),
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 1,
      secretNames: [],
      ciIds: [],
      status: { state: 'unknown', since: null, lastRunAt: null, consecutiveFailures: 0, flapping: false },
      version: 1,
    });
    expect(created.headers.etag).toBeDefined();

    const run = await admin.request('POST', `${CHECKS}/${check.id}/run`);
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().result).toMatchObject({ status: 'up', conditions: [{ condition: '[BODY].ok == true', passed: true }] });
    expect(run.json().status).toMatchObject({ state: 'up', consecutiveFailures: 0 });

    healthy = false;
    const failed = (await admin.request('POST', `${CHECKS}/${check.id}/run`)).json();
    expect(failed.result.status).toBe('down');
    expect(failed.result.message).toMatch(/^Condition failed: \[BODY\]\.ok/);
    // One retry: the first failure keeps it up, the second takes it down.
    expect(failed.status).toMatchObject({ state: 'up', consecutiveFailures: 1 });
    const down = (await admin.request('POST', `${CHECKS}/${check.id}/run`)).json();
    expect(down.status).toMatchObject({ state: 'down', consecutiveFailures: 2 });
    healthy = true;

    const read = (await admin.request('GET', `${CHECKS}/${check.id}`)).json() as Check;
    expect(read.status.state).toBe('down');
    expect(read.status.lastMessage).toMatch(/^Condition failed/);

    const results = (await admin.request('GET', `${CHECKS}/${check.id}/results?limit=10`)).json().items;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['down', 'down', 'up']);
    expect(results[0].details.hops[0].status).toBe(503);

    const history = (await admin.request('GET', `${CHECKS}/${check.id}/history`)).json();
    expect(history.items.map((h: { state: string; previous: string | null }) => [h.previous, h.state])).toEqual([
      ['up', 'down'],
      [null, 'up'],
    ]);
    const events = await publishedEvents(t.database.db, 'check.state.changed');
    expect(events.filter((e) => e.checkId === check.id).map((e) => [e.previous, e.state])).toEqual([
      [null, 'up'],
      ['up', 'down'],
    ]);

    const uptime = (await admin.request('GET', `${CHECKS}/${check.id}/uptime`)).json();
    expect(uptime.periods.map((p: { label: string }) => p.label)).toEqual(['24h', '7d', '30d', '90d']);
    expect(uptime.periods[0].incidents).toBe(1);
    // Day bars: the last 90 UTC days, today last, holding today's incident.
    expect(uptime.days).toHaveLength(90);
    const today = uptime.days.at(-1);
    expect(today).toMatchObject({ label: new Date(today.from).toISOString().slice(0, 10), to: uptime.periods[0].to, incidents: 1 });
    expect(uptime.days[0].ratio).toBeNull();
    expect(uptime.periods[0].upMs + uptime.periods[0].downMs).toBeGreaterThanOrEqual(0);
    const custom = await admin.request('GET', `${CHECKS}/${check.id}/uptime?from=10&to=5`);
    expect(custom.statusCode).toBe(400);
  });

  it('refuses what the check type refuses, naming the field as the request spells it', async () => {
    const bad = await create({ name: 'Bad', type: 'http', config: { url: 'ftp://x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors).toEqual([{ path: 'config.url', message: 'must start with http:// or https://' }]);
    const condition = await create({ name: 'Bad', type: 'tcp', config: { host: '127.0.0.1', port: 1 }, conditions: ['[STATUS] == 200'] });
    expect(condition.json().errors[0].path).toBe('conditions[0]');
    const unknownType = await create({ name: 'Bad', type: 'gopher', config: {} });
    expect(unknownType.json().errors[0]).toMatchObject({ path: 'type' });
    const timeout = await create({ name: 'Bad', type: 'tcp', config: { host: 'db', port: 5432 }, intervalSeconds: 10, timeoutSeconds: 20 });
    expect(timeout.json().errors[0].path).toBe('timeoutSeconds');
    const inline = await create({
      name: 'Bad',
      type: 'http',
      config: { url: url('/'), auth: { type: 'basic', username: 'u', password: 'p' } },
    });
    expect(inline.json().errors).toEqual([{ path: 'config.auth.password', message: expect.stringMatching(/send it in secrets/) }]);
    const ci = await create({
      name: 'Bad',
      type: 'tcp',
      config: { host: 'db', port: 5432 },
      ciIds: ['0190d1c8-0000-7000-8000-000000000000'],
    });
    expect(ci.json().errors[0].path).toBe('ciIds[0]');
    const count = await t.database.db
      .selectFrom('checks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('name', '=', 'Bad')
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });

  it('keeps secrets sealed and write-only, uses them to run, and keeps them through changes that leave them out', async () => {
    const created = await create({
      name: 'With auth',
      type: 'http',
      config: { url: url('/health'), auth: { type: 'basic', username: 'monitor' } },
      secrets: { password: 'hunter2-secret' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.body).not.toContain('hunter2-secret');
    expect(created.json().secretNames).toEqual(['password']);
    const stored = await t.database.db.selectFrom('checks').selectAll().where('id', '=', created.json().id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain('hunter2-secret');
    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('target_id', '=', created.json().id).execute();
    expect(JSON.stringify(audit)).not.toContain('hunter2-secret');

    const expected = `Basic ${Buffer.from('monitor:hunter2-secret').toString('base64')}`;
    authorizations.length = 0;
    await admin.request('POST', `${CHECKS}/${created.json().id}/run`);
    expect(authorizations).toEqual([expected]);

    const renamed = await admin.request(
      'PATCH',
      `${CHECKS}/${created.json().id}`,
      { name: 'Renamed' },
      { 'if-match': created.headers.etag as string },
    );
    expect(renamed.statusCode, renamed.body).toBe(200);
    authorizations.length = 0;
    await admin.request('POST', `${CHECKS}/${created.json().id}/run`);
    expect(authorizations).toEqual([expected]);
    // Testing a change of the saved check uses its stored secret.
    authorizations.length = 0;
    const tested = await admin.request('POST', `${CHECKS}/test`, {
      type: 'http',
      config: { url: url('/health'), auth: { type: 'basic', username: 'monitor' } },
      checkId: created.json().id,
    });
    expect(tested.statusCode, tested.body).toBe(200);
    expect(authorizations).toEqual([expected]);
    // A stale ETag is refused.
    const stale = await admin.request(
      'PATCH',
      `${CHECKS}/${created.json().id}`,
      { name: 'Again' },
      { 'if-match': created.headers.etag as string },
    );
    expect(stale.statusCode).toBe(412);
  });

  it('tests an unsaved check without storing anything', async () => {
    const before = await t.database.db.selectFrom('checks').select('id').execute();
    const res = await admin.request('POST', `${CHECKS}/test`, {
      type: 'http',
      config: { url: url('/nope') },
      warningConditions: ['[RESPONSE_TIME] < 1'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'down', message: 'Condition failed: [STATUS] (503) < 400' });
    expect(await t.database.db.selectFrom('checks').select('id').execute()).toEqual(before);
  });

  it('filters by state, type, text and CI, pages by name, counts states, and deletes with the ETag', async () => {
    const host = await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'db-01' });
    expect(host.statusCode, host.body).toBe(201);
    const ciId = host.json().id;
    for (const name of ['tcp a', 'tcp b', 'tcp c']) {
      const res = await create({
        name,
        type: 'tcp',
        config: { host: '127.0.0.1', port: target.port },
        ciIds: name === 'tcp b' ? [ciId] : [],
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const byType = (await admin.request('GET', `${CHECKS}?type=tcp&limit=2`)).json();
    expect(byType.items.map((c: Check) => c.name)).toEqual(['tcp a', 'tcp b']);
    const next = (await admin.request('GET', `${CHECKS}?type=tcp&limit=2&cursor=${byType.nextCursor}`)).json();
    expect(next.items.map((c: Check) => c.name)).toEqual(['tcp c']);
    expect(next.nextCursor).toBeNull();
    expect((await admin.request('GET', `${CHECKS}?ciId=${ciId}`)).json().items.map((c: Check) => c.name)).toEqual(['tcp b']);
    expect((await admin.request('GET', `${CHECKS}?q=AUTH`)).json().items.map((c: Check) => c.name)).toEqual([]);
    expect((await admin.request('GET', `${CHECKS}?q=RENAM`)).json().items.map((c: Check) => c.name)).toEqual(['Renamed']);
    const downChecks = (await admin.request('GET', `${CHECKS}?state=down`)).json().items.map((c: Check) => c.name);
    expect(downChecks).toEqual(['API health']);
    const unknown = (await admin.request('GET', `${CHECKS}?state=unknown&type=tcp`)).json().items;
    expect(unknown).toHaveLength(3);

    const summary = (await admin.request('GET', `${CHECKS}/summary`)).json();
    expect(summary).toMatchObject({ total: 5, up: 1, down: 1, unknown: 3, degraded: 0, disabled: 0 });

    const victim = byType.items[0] as Check;
    const read = await admin.request('GET', `${CHECKS}/${victim.id}`);
    const noMatch = await admin.request('DELETE', `${CHECKS}/${victim.id}`);
    expect(noMatch.statusCode).toBe(428);
    const deleted = await admin.request('DELETE', `${CHECKS}/${victim.id}`, undefined, { 'if-match': read.headers.etag as string });
    expect(deleted.statusCode).toBe(204);
    expect((await admin.request('GET', `${CHECKS}/${victim.id}`)).statusCode).toBe(404);
    // Deleting the CI unbinds it from its checks.
    const ci = await admin.request('GET', `/api/v1/cis/${ciId}`);
    expect((await admin.request('DELETE', `/api/v1/cis/${ciId}`, undefined, { 'if-match': ci.headers.etag as string })).statusCode).toBe(
      204,
    );
    expect((await admin.request('GET', `${CHECKS}?q=tcp%20b`)).json().items[0].ciIds).toEqual([]);
  });

  it('lets a viewer read but not change, test or run checks', async () => {
    const viewer = await t.userWithRole('viewer');
    expect((await viewer.request('GET', CHECKS)).statusCode).toBe(200);
    expect((await viewer.request('POST', CHECKS, { name: 'x', type: 'tcp', config: { host: 'a', port: 1 } })).statusCode).toBe(403);
    expect((await viewer.request('POST', `${CHECKS}/test`, { type: 'tcp', config: { host: 'a', port: 1 } })).statusCode).toBe(403);
  });

  it('lets only those who manage SNMP credentials name one in a check', async () => {
    const token = async (scopes: string[]) =>
      (await admin.request('POST', '/api/v1/tokens', { name: scopes.join(' '), scopes })).json().token;
    const monitoringOnly = await token(['monitoring:read', 'monitoring:write']);
    const withDiscovery = await token(['monitoring:read', 'monitoring:write', 'discovery:write']);
    const body = {
      name: 'core switch',
      type: 'snmp',
      config: { host: '127.0.0.1', port: 1161, credentialId: '0190a000-0000-7000-8000-00000000dead', oids: ['1.3.6.1.2.1.1.3.0'] },
    };
    const as = (bearer: string, method: string, path: string, payload: unknown) =>
      t.estate.http.inject({
        method: method as 'POST',
        url: path,
        headers: { authorization: `Bearer ${bearer}` },
        payload: payload as object,
      });
    const { name: _name, ...unsaved } = body;
    for (const [path, payload] of [
      [CHECKS, body],
      [`${CHECKS}/test`, unsaved],
    ] as const) {
      const refused = await as(monitoringOnly, 'POST', path, payload);
      expect(refused.statusCode, path).toBe(403);
      expect(refused.json().detail).toContain('config.credentialId');
    }
    const bulk = await as(monitoringOnly, 'POST', `${CHECKS}/bulk`, { items: [{ ...body, name: 'a' }] });
    expect(bulk.statusCode).toBe(403);
    expect(bulk.json().detail).toContain('items[0].config.credentialId');
    const created = await as(withDiscovery, 'POST', CHECKS, body);
    expect(created.statusCode).toBe(201);
    const patched = await as(monitoringOnly, 'PATCH', `${CHECKS}/${created.json().id}`, { config: body.config });
    expect(patched.statusCode).toBe(403);
    // Without a credential the same token may create SNMP checks (the community as the check's own secret).
    const own = {
      ...body,
      name: 'own community',
      config: { host: '127.0.0.1', port: 1161, oids: ['1.3.6.1.2.1.1.3.0'] },
      secrets: { community: 'public' },
    };
    expect((await as(monitoringOnly, 'POST', CHECKS, own)).statusCode).toBe(201);
  });
});
