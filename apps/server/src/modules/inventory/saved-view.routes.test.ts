import type { SavedView } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

for (const engine of testEngines()) {
  describe(`saved views on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let viewer: Agent;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      viewer = await t.userWithRole('viewer');
    });
    afterAll(() => t?.close());

    it('saves, lists and deletes the caller’s own views, audited', async () => {
      const query = { type: 'virtual_machine,physical_server', 'attr.os': 'debian', q: 'web', sort: '-updatedAt' };
      const created = await viewer.request('POST', '/api/v1/saved-views', { name: 'Debian VMs', query });
      expect(created.statusCode, created.body).toBe(201);
      const view = created.json() as SavedView;
      expect(view).toMatchObject({ name: 'Debian VMs', resource: 'cis', query });

      const list = await viewer.request('GET', '/api/v1/saved-views');
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual({ items: [view], nextCursor: null });
      // The saved query works as the list's query string.
      const applied = await viewer.request('GET', `/api/v1/cis?${new URLSearchParams(view.query).toString()}`);
      expect(applied.statusCode, applied.body).toBe(200);

      expect((await admin.request('GET', '/api/v1/saved-views')).json().items).toEqual([]);
      expect((await admin.request('DELETE', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(404);

      expect((await viewer.request('DELETE', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(204);
      expect((await viewer.request('DELETE', `/api/v1/saved-views/${view.id}`)).statusCode).toBe(404);
      expect((await viewer.request('GET', '/api/v1/saved-views')).json().items).toEqual([]);

      const actions = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'target_id'])
        .where('target_type', '=', 'saved_view')
        .orderBy('seq')
        .execute();
      expect(actions).toEqual([
        { action: 'saved_view.create', target_id: view.id },
        { action: 'saved_view.delete', target_id: view.id },
      ]);
    });

    it('pages through views with a keyset cursor', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await admin.request('POST', '/api/v1/saved-views', { name: `v${i}`, query: { tag: `t${i}` } })).statusCode).toBe(201);
      }
      const first = await admin.request('GET', '/api/v1/saved-views?limit=3');
      expect(first.json().items.map((v: SavedView) => v.name)).toEqual(['v0', 'v1', 'v2']);
      const second = await admin.request('GET', `/api/v1/saved-views?limit=3&cursor=${first.json().nextCursor}`);
      expect(second.json()).toMatchObject({ nextCursor: null });
      expect(second.json().items.map((v: SavedView) => v.name)).toEqual(['v3', 'v4']);
      expect((await admin.request('GET', '/api/v1/saved-views?cursor=nonsense')).statusCode).toBe(400);
    });

    it('refuses a view whose query is not a valid list query', async () => {
      for (const query of [{ bogus: '1' }, { status: 'broken' }, { sort: 'size' }, { 'attr.b@d': 'x' }, { limit: 5 }]) {
        const res = await viewer.request('POST', '/api/v1/saved-views', { name: 'bad', query });
        expect(res.statusCode, JSON.stringify(query)).toBe(400);
      }
      expect((await viewer.request('POST', '/api/v1/saved-views', { name: '', query: {} })).statusCode).toBe(400);
      expect((await viewer.request('POST', '/api/v1/saved-views', { name: 'x', query: {}, extra: 1 })).statusCode).toBe(400);
    });

    it('needs a signed-in caller', async () => {
      expect((await t.anonymous().request('GET', '/api/v1/saved-views')).statusCode).toBe(401);
    });
  });
}
