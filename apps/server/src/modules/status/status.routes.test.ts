import type { StatusPage, StatusView } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { newId } from '../../platform/ids';
import { readDependencyGraph } from '../inventory';
import { StatusViewService } from './status-view.service';

const HOUR = 3_600_000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe.each(testEngines())('status pages on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let viewer: Agent;
  let shopId: string;
  let hostId: string;
  let webCheck: string;
  let hostCheck: string;

  /** Records a check's state as the recorder would: the state row and a history entry. */
  const setState = async (checkId: string, state: string, at: number) => {
    const db = t.estate.database.db;
    await db.deleteFrom('check_states').where('check_id', '=', checkId).execute();
    await db
      .insertInto('check_states')
      .values({
        check_id: checkId,
        state,
        since: at,
        last_run_at: at,
        last_status: state,
        last_duration_ms: 1,
        last_message: 'connection refused by db.internal:5432',
        consecutive_failures: state === 'down' ? 3 : 0,
        flapping: 0,
        changes: '[]',
        results: 1,
        updated_at: at,
      })
      .execute();
    await db
      .insertInto('check_state_history')
      .values({ id: newId(at), check_id: checkId, at, state, previous: null, message: 'test' })
      .execute();
  };

  const createCi = async (type: string, name: string) => {
    const res = await admin.request('POST', '/api/v1/cis', { type, name });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const createCheck = async (name: string, ciIds: string[]) => {
    const res = await admin.request('POST', '/api/v1/checks', { name, type: 'push', config: { periodSeconds: 60 }, ciIds });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    viewer = await t.userWithRole('viewer');
    shopId = await createCi('business_service', 'Web shop');
    const appId = await createCi('application', 'shop-app');
    hostId = await createCi('physical_server', 'db-host-17.internal');
    for (const [type, sourceId, targetId] of [
      ['depends_on', shopId, appId],
      ['runs_on', appId, hostId],
    ]) {
      const res = await admin.request('POST', '/api/v1/relationships', { type, sourceId, targetId });
      expect(res.statusCode, res.body).toBe(201);
    }
    webCheck = await createCheck('shop https', [appId]);
    hostCheck = await createCheck('db-host ping', [hostId]);
    const now = Date.now();
    await setState(webCheck, 'up', now - 3 * 24 * HOUR);
    await setState(hostCheck, 'up', now - 3 * 24 * HOUR);
    await setState(hostCheck, 'down', now - HOUR);
  });
  afterAll(async () => {
    await t?.close();
  });

  const createPage = async (body: Record<string, unknown>) => admin.request('POST', '/api/v1/status-pages', body);

  it('creates, reads, changes (If-Match) and deletes a page, auditing each change', async () => {
    const created = await createPage({
      title: 'Shop status',
      slug: 'shop-crud',
      components: [
        { kind: 'service', refId: shopId, group: 'Customer facing' },
        { kind: 'check', refId: webCheck, displayName: 'Storefront' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const page = created.json() as StatusPage;
    expect(page).toMatchObject({
      title: 'Shop status',
      public: false,
      components: [
        { kind: 'service', refId: shopId, displayName: '', group: 'Customer facing', refName: 'Web shop' },
        { kind: 'check', refId: webCheck, displayName: 'Storefront', group: '', refName: 'shop https' },
      ],
      version: 1,
    });
    expect((await viewer.request('GET', `/api/v1/status-pages/${page.id}`)).json()).toEqual(page);
    const listed = (await viewer.request('GET', '/api/v1/status-pages')).json();
    expect(listed.items.map((p: StatusPage) => p.id)).toContain(page.id);

    expect((await admin.request('PATCH', `/api/v1/status-pages/${page.id}`, { title: 'x' })).statusCode).toBe(428);
    const changed = await admin.request(
      'PATCH',
      `/api/v1/status-pages/${page.id}`,
      { title: 'Shop', public: true },
      { 'if-match': created.headers.etag as string },
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'Shop', public: true, version: 2 });
    const stale = await admin.request(
      'PATCH',
      `/api/v1/status-pages/${page.id}`,
      { title: 'y' },
      { 'if-match': created.headers.etag as string },
    );
    expect(stale.statusCode).toBe(412);
    const deleted = await admin.request('DELETE', `/api/v1/status-pages/${page.id}`, undefined, {
      'if-match': changed.headers.etag as string,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await admin.request('GET', `/api/v1/status-pages/${page.id}`)).statusCode).toBe(404);

    for (const action of ['status_page.create', 'status_page.update', 'status_page.delete']) {
      const events = (await admin.request('GET', `/api/v1/audit-events?action=${action}`)).json().items;
      expect(
        events.map((e: { targetId: string }) => e.targetId),
        action,
      ).toContain(page.id);
    }
  });

  it('refuses invalid pages with problem+json naming the field, and a slug in use with 409', async () => {
    const notAService = await createPage({ title: 'x', slug: 'bad-1', components: [{ kind: 'service', refId: hostId }] });
    expect(notAService.statusCode).toBe(400);
    expect(notAService.headers['content-type']).toContain('application/problem+json');
    expect(notAService.json().errors).toEqual([
      { path: 'components[0].refId', message: expect.stringContaining('not a business service') },
    ]);
    const missing = await createPage({ title: 'x', slug: 'bad-2', components: [{ kind: 'check', refId: newId() }] });
    expect(missing.json().errors[0]).toMatchObject({ path: 'components[0].refId', message: expect.stringContaining('no check') });
    const twice = await createPage({
      title: 'x',
      slug: 'bad-3',
      components: [
        { kind: 'check', refId: webCheck },
        { kind: 'check', refId: webCheck },
      ],
    });
    expect(twice.json().errors).toEqual([{ path: 'components[1].refId', message: 'is already on the page' }]);
    const badSlug = await createPage({ title: 'x', slug: 'Not A Slug', components: [] });
    expect(badSlug.statusCode).toBe(400);
    const unknownField = await createPage({ title: 'x', slug: 'ok', components: [], theme: 'dark' });
    expect(unknownField.statusCode).toBe(400);
    expect((await createPage({ title: 'a', slug: 'taken', components: [] })).statusCode).toBe(201);
    const taken = await createPage({ title: 'b', slug: 'taken', components: [] });
    expect(taken.statusCode).toBe(409);
  });

  it('asks for sign-in on the private API (401), monitoring:write to change (403), and 404s public views of private pages', async () => {
    const anonymous = t.anonymous();
    expect((await anonymous.request('GET', '/api/v1/status-pages')).statusCode).toBe(401);
    expect((await anonymous.request('POST', '/api/v1/status-pages', { title: 'x', slug: 'anon', components: [] })).statusCode).toBe(401);
    expect((await viewer.request('POST', '/api/v1/status-pages', { title: 'x', slug: 'viewer', components: [] })).statusCode).toBe(403);
    const priv = await createPage({ title: 'Private', slug: 'private-page', components: [{ kind: 'service', refId: shopId }] });
    expect(priv.statusCode).toBe(201);
    expect((await anonymous.request('GET', `/api/v1/status-pages/${priv.json().id}/view`)).statusCode).toBe(401);
    const hidden = await anonymous.request('GET', '/api/v1/public/status/private-page');
    const unknown = await anonymous.request('GET', '/api/v1/public/status/no-such-page');
    expect(hidden.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const { type, title, detail, status } = unknown.json();
    expect(hidden.json()).toMatchObject({ type, title, detail, status });
    expect(hidden.body.length).toBe(unknown.body.length + (hidden.json().instance?.length ?? 0) - (unknown.json().instance?.length ?? 0));
  });

  it('shows a service with a down dependency as an outage, then under maintenance while a window covers the host', async () => {
    const created = await createPage({
      title: 'Acme status',
      slug: 'acme',
      description: 'Our services',
      public: true,
      components: [
        { kind: 'service', refId: shopId, group: 'Shop' },
        { kind: 'check', refId: webCheck, displayName: 'Storefront' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const view = (await viewer.request('GET', `/api/v1/status-pages/${created.json().id}/view`)).json() as StatusView;
    expect(view.overall).toBe('outage');
    expect(view.components.map((c) => [c.name, c.group, c.state])).toEqual([
      ['Web shop', 'Shop', 'outage'],
      ['Storefront', '', 'operational'],
    ]);
    const bars = view.components[0]?.uptime ?? [];
    expect(bars).toHaveLength(90);
    expect(bars[bars.length - 1]).toMatchObject({ worst: 'outage' });
    expect(bars[0]).toMatchObject({ ratio: null, worst: 'unknown' });
    expect(view.components[0]?.uptimeRatio).toBeLessThan(1);
    expect(view.components[1]?.uptimeRatio).toBe(1);

    const start = new Date(Date.now() - HOUR).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 2 * HOUR).toISOString().slice(0, 16);
    const window = await admin.request('POST', '/api/v1/maintenance-windows', {
      name: 'Database host firmware',
      description: 'internal: ticket CHG-991, root password rotation',
      timeZone: 'UTC',
      schedule: { kind: 'once', start, end },
      scope: { ciIds: [hostId] },
    });
    expect(window.statusCode, window.body).toBe(201);

    const anonymous = t.anonymous();
    const res = await anonymous.request('GET', '/api/v1/public/status/acme');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=5');
    const pub = res.json() as StatusView;
    expect(pub.overall).toBe('maintenance');
    expect(pub.components.map((c) => c.state)).toEqual(['maintenance', 'operational']);
    expect(pub.maintenance).toEqual([
      { title: 'Database host firmware', start: expect.any(Number), end: expect.any(Number), active: true, components: ['Web shop'] },
    ]);

    // Only what the page shows: no ids, targets, hosts, labels, messages or descriptions.
    expect(Object.keys(pub).sort()).toEqual(['at', 'components', 'description', 'maintenance', 'overall', 'title']);
    for (const c of pub.components) expect(Object.keys(c).sort()).toEqual(['group', 'name', 'state', 'uptime', 'uptimeRatio']);
    for (const d of pub.components.flatMap((c) => c.uptime)) expect(Object.keys(d).sort()).toEqual(['day', 'ratio', 'worst']);
    for (const m of pub.maintenance) expect(Object.keys(m).sort()).toEqual(['active', 'components', 'end', 'start', 'title']);
    const text = res.body;
    expect(text).not.toMatch(UUID);
    for (const secret of ['db-host-17', 'shop-app', 'connection refused', 'CHG-991', 'shop https', 'db-host ping']) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows a weekly window across the spring DST change at the moment the schedule gives it, and covers then', async () => {
    const page = await createPage({ title: 'DST', slug: 'dst', public: true, components: [{ kind: 'service', refId: shopId }] });
    expect(page.statusCode, page.body).toBe(201);
    const window = await admin.request('POST', '/api/v1/maintenance-windows', {
      name: 'Sunday patching',
      timeZone: 'Europe/Berlin',
      schedule: { kind: 'weekly', days: ['sun'], startTime: '02:30', durationMinutes: 60, from: '2026-03-01', until: '2026-04-30' },
      scope: { ciIds: [shopId] },
    });
    expect(window.statusCode, window.body).toBe(201);
    // A view at a chosen moment, over the real stores: the status module's seams with an injected clock.
    const viewAt = (at: number) => {
      const sources = {
        graph: () => readDependencyGraph(t.estate.database.db),
        checkStates: () => t.estate.monitoring.reads.currentStates(),
        stateChanges: (ids: readonly string[], from: number, to: number) => t.estate.monitoring.reads.stateChangesOf(ids, from, to),
        maintenance: (from: number, to: number) => t.estate.alerting.suppression.maintenanceBetween(from, to),
      };
      return new StatusViewService(t.estate.status.pages, sources, () => at).view(page.json().id);
    };
    // 02:30 does not exist on 29 March 2026 in Berlin (02:00 → 03:00): the occurrence starts at 03:30 CEST, 01:30 UTC.
    const before = await viewAt(Date.UTC(2026, 2, 28, 12, 0));
    expect(before.maintenance.filter((m) => m.title === 'Sunday patching')).toEqual([
      {
        title: 'Sunday patching',
        start: Date.UTC(2026, 2, 29, 1, 30),
        end: Date.UTC(2026, 2, 29, 2, 30),
        active: false,
        components: ['Web shop'],
      },
    ]);
    expect(before.components[0]?.state).not.toBe('maintenance');
    const during = await viewAt(Date.UTC(2026, 2, 29, 1, 45));
    expect(during.components[0]?.state).toBe('maintenance');
    expect(during.maintenance.find((m) => m.title === 'Sunday patching')?.active).toBe(true);
    // The next Sunday, in summer time: 02:30 CEST is 00:30 UTC.
    const next = await viewAt(Date.UTC(2026, 3, 4, 12, 0));
    expect(next.maintenance.find((m) => m.title === 'Sunday patching')).toMatchObject({ start: Date.UTC(2026, 3, 5, 0, 30) });
  });
});
