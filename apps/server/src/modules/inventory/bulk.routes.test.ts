import type { Ci } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { readJson } from '../../platform/db/database';
import { insertCis } from './ci-list.fixtures';

for (const engine of testEngines()) {
  describe(`bulk edit and delete on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    const get = async (query: string): Promise<Ci[]> => {
      const res = await admin.request('GET', `/api/v1/cis?limit=500&${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items;
    };
    const historyOf = (ciId: string) =>
      t.database.db.selectFrom('ci_history').selectAll().where('ci_id', '=', ciId).orderBy('id').execute();
    const auditOf = (action: string) =>
      t.database.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq').execute();

    it('updates CIs by id: fields, tags, search text, version, history, one audit entry', async () => {
      const [team] = await insertCis(t.database.db, [{ name: 'Ops', type: 'team' }]);
      const ids = await insertCis(t.database.db, [
        { name: 'bulk-a', tags: ['old', 'keep'] },
        { name: 'bulk-b', tags: ['keep'], criticality: 'low' },
        { name: 'bulk-c' },
      ]);
      const res = await admin.request('POST', '/api/v1/cis/bulk-update', {
        ids,
        confirm: 3,
        patch: { environment: 'production', criticality: 'high', ownerTeamId: team, addTags: ['pci'], removeTags: ['old'] },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ count: 3, ids: [...ids].sort() });
      const cis = await get('q=bulk');
      for (const ci of cis) {
        expect(ci.environment).toBe('production');
        expect(ci.criticality).toBe('high');
        expect(ci.ownerTeamId).toBe(team);
        expect(ci.tags).toContain('pci');
        expect(ci.tags).not.toContain('old');
        expect(ci.version).toBe(2);
        expect(ci.provenance.environment?.source).toBe('manual');
      }
      expect(cis.find((c) => c.name === 'bulk-a')?.tags).toEqual(['keep', 'pci']);
      // The search index follows the new tags.
      expect((await get('q=pci')).map((c) => c.name).sort()).toEqual(['bulk-a', 'bulk-b', 'bulk-c']);
      expect(await get('q=old')).toEqual([]);
      const history = await historyOf(ids[0] as string);
      expect(history).toHaveLength(1);
      expect(history[0]?.kind).toBe('updated');
      const fields = readJson<Array<{ field: string }>>(history[0]?.changes, engine.dialect).map((c) => c.field);
      expect(fields).toEqual(['criticality', 'environment', 'ownerTeamId', 'tags']);
      const audit = await auditOf('ci.bulk_update');
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0]?.after)).toContain(ids[1] as string);
    });

    it('needs confirm to equal the number targeted: 409 with the actual count, nothing changed', async () => {
      const ids = await insertCis(t.database.db, [{ name: 'conf-a' }, { name: 'conf-b' }]);
      const missing = '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b';
      for (const [body, count] of [
        [{ ids, confirm: 3, patch: { status: 'retired' } }, 2],
        [{ ids: [...ids, missing], confirm: 3, patch: { status: 'retired' } }, 2],
        [{ filter: { q: 'conf' }, confirm: 1, patch: { status: 'retired' } }, 2],
      ] as const) {
        const res = await admin.request('POST', '/api/v1/cis/bulk-update', body);
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().detail).toContain(`targets ${count} CIs`);
      }
      const del = await admin.request('POST', '/api/v1/cis/bulk-delete', { ids, confirm: 1 });
      expect(del.statusCode).toBe(409);
      expect(del.json().detail).toContain('targets 2 CIs');
      const cis = await get('q=conf');
      expect(cis).toHaveLength(2);
      expect(cis.every((c) => c.status === 'deployed' && c.version === 1)).toBe(true);
    });

    it('updates by filter, leaving CIs that already match alone', async () => {
      await insertCis(t.database.db, [
        { name: 'flt-a', type: 'virtual_machine', attributes: { os: 'debian' } },
        { name: 'flt-b', type: 'virtual_machine', attributes: { os: 'debian' }, status: 'retired' },
        { name: 'flt-c', type: 'virtual_machine', attributes: { os: 'ubuntu' } },
      ]);
      const res = await admin.request('POST', '/api/v1/cis/bulk-update', {
        filter: { type: 'virtual_machine', 'attr.os': 'debian' },
        confirm: 2,
        patch: { status: 'retired' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().count).toBe(1);
      const byName = Object.fromEntries((await get('q=flt')).map((c) => [c.name, c]));
      expect(byName['flt-a']?.status).toBe('retired');
      expect(byName['flt-a']?.version).toBe(2);
      expect(byName['flt-b']?.version).toBe(1);
      expect(byName['flt-c']?.status).toBe('deployed');
    });

    it('refuses bad requests with 400 and changes nothing', async () => {
      const ids = await insertCis(t.database.db, [{ name: 'bad-a' }]);
      const [site] = await insertCis(t.database.db, [{ name: 'bad-site', type: 'site' }]);
      for (const body of [
        { ids, confirm: 1, patch: {} },
        { ids, confirm: 1, patch: { name: 'x' } },
        { ids, confirm: 1, patch: { serial: 'x' } },
        { ids, filter: { q: 'bad' }, confirm: 1, patch: { status: 'retired' } },
        { confirm: 1, patch: { status: 'retired' } },
        { filter: { bogus: '1' }, confirm: 1, patch: { status: 'retired' } },
        { ids, confirm: 1, patch: { ownerTeamId: site } },
        { ids, confirm: 1, patch: { addTags: ['x'], removeTags: ['x'] } },
        { ids: Array.from({ length: 1001 }, () => ids[0]), confirm: 1, patch: { status: 'retired' } },
      ]) {
        const res = await admin.request('POST', '/api/v1/cis/bulk-update', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 200)).toBe(400);
      }
      expect((await get('q=bad-a'))[0]?.version).toBe(1);
    });

    it('deletes by ids and by filter in one transaction, with history per CI and one audit entry', async () => {
      const ids = await insertCis(t.database.db, [
        { name: 'del-a', tags: ['gone'] },
        { name: 'del-b' },
        { name: 'del-c', type: 'application' },
      ]);
      const res = await admin.request('POST', '/api/v1/cis/bulk-delete', { ids: ids.slice(0, 2), confirm: 2 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().count).toBe(2);
      expect((await get('q=del')).map((c) => c.name)).toEqual(['del-c']);
      const history = await historyOf(ids[0] as string);
      expect(history.map((h) => h.kind)).toEqual(['deleted']);
      const tags = await t.database.db
        .selectFrom('ci_tags')
        .selectAll()
        .where('ci_id', '=', ids[0] as string)
        .execute();
      expect(tags).toEqual([]);
      const byFilter = await admin.request('POST', '/api/v1/cis/bulk-delete', { filter: { q: 'del', type: 'application' }, confirm: 1 });
      expect(byFilter.statusCode, byFilter.body).toBe(200);
      expect(await get('q=del')).toEqual([]);
      expect(await auditOf('ci.bulk_delete')).toHaveLength(2);
    });

    it('needs inventory:write', async () => {
      const viewer = await t.userWithRole('viewer');
      const res = await viewer.request('POST', '/api/v1/cis/bulk-delete', { filter: {}, confirm: 0 });
      expect(res.statusCode).toBe(403);
    });
  });
}
