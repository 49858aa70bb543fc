import type { Ci } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { publishedEvents } from '../../platform/events/outbox.fixtures';
import { CiService } from './ci.service';
import { CustomFieldService } from './custom-field.service';
import { createInventoryDeps, type InventoryDeps } from './inventory-deps';

/* The inventory's domain events: written with the change that caused them, and never without it. */
for (const engine of testEngines()) {
  describe(`inventory events on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let deps: InventoryDeps;
    const ctx = { actor: { type: 'system' as const, id: null, label: 'scanner' }, requestId: null, sourceIp: null };
    const serviceOver = (db: InventoryDeps['db']) =>
      new CiService(db, deps.dialect, deps.audit, deps.history, new CustomFieldService(db, deps.dialect, deps.audit));

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      deps = createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit });
    }, 60_000);
    afterAll(() => t?.close());

    const create = async (body: Record<string, unknown>): Promise<Ci & { etag: string }> => {
      const res = await admin.request('POST', '/api/v1/cis', body);
      expect(res.statusCode, res.body).toBe(201);
      return { ...res.json(), etag: String(res.headers.etag) };
    };
    const relate = async (sourceId: string, targetId: string, type = 'runs_on'): Promise<string> => {
      const res = await admin.request('POST', '/api/v1/relationships', { type, sourceId, targetId });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    };
    const events = <T extends Parameters<typeof publishedEvents>[1]>(topic: T, id: string) =>
      publishedEvents(t.database.db, topic, (p) => ('id' in p ? p.id === id : false));

    it('publishes ci.created with the CI, its source and its actor; a refused create publishes nothing', async () => {
      const ci = await create({ type: 'application', name: 'evt-app' });
      expect(await events('ci.created', ci.id)).toEqual([
        { id: ci.id, type: 'application', name: 'evt-app', source: 'manual', actor: expect.objectContaining({ type: 'user' }) },
      ]);
      const before = (await publishedEvents(t.database.db, 'ci.created')).length;
      const refused = await admin.request('POST', '/api/v1/cis', { type: 'switch', name: 'evt-bad', attributes: { ports: 'many' } });
      expect(refused.statusCode).toBe(400);
      const taken = await admin.request('POST', '/api/v1/cis', { type: 'application', name: 'evt-app' });
      expect(taken.statusCode).toBe(409);
      expect(await publishedEvents(t.database.db, 'ci.created')).toHaveLength(before);
    });

    it('publishes ci.updated with exactly the changed fields; a stale If-Match or a no-op patch publishes nothing', async () => {
      const ci = await create({ type: 'virtual_machine', name: 'evt-vm', attributes: { vcpus: 2 } });
      const stale = await admin.request('PATCH', `/api/v1/cis/${ci.id}`, { serial: 'X' }, { 'if-match': '"999"' });
      expect(stale.statusCode).toBe(412);
      expect(await events('ci.updated', ci.id)).toEqual([]);
      const res = await admin.request(
        'PATCH',
        `/api/v1/cis/${ci.id}`,
        { serial: 'SN-9', attributes: { vcpus: 4 } },
        { 'if-match': ci.etag },
      );
      expect(res.statusCode, res.body).toBe(200);
      const same = await admin.request('PATCH', `/api/v1/cis/${ci.id}`, { serial: 'SN-9' }, { 'if-match': String(res.headers.etag) });
      expect(same.statusCode).toBe(200);
      expect(await events('ci.updated', ci.id)).toEqual([
        {
          id: ci.id,
          type: 'virtual_machine',
          name: 'evt-vm',
          version: 2,
          source: 'manual',
          actor: expect.objectContaining({ type: 'user' }),
          changes: [
            { field: 'attributes.vcpus', from: 2, to: 4 },
            { field: 'serial', from: null, to: 'SN-9' },
          ],
        },
      ]);
    });

    it('publishes ci.deleted and relationship.removed for what the deletion takes along; a refused delete publishes nothing', async () => {
      const app = await create({ type: 'application', name: 'evt-del-app' });
      const vm = await create({ type: 'virtual_machine', name: 'evt-del-vm' });
      const link = await relate(app.id, vm.id);
      expect((await admin.request('DELETE', `/api/v1/cis/${vm.id}`, undefined, { 'if-match': '"7"' })).statusCode).toBe(412);
      expect(await events('ci.deleted', vm.id)).toEqual([]);
      expect(await events('relationship.removed', link)).toEqual([]);
      expect((await admin.request('DELETE', `/api/v1/cis/${vm.id}`, undefined, { 'if-match': vm.etag })).statusCode).toBe(204);
      expect(await events('ci.deleted', vm.id)).toEqual([
        { id: vm.id, type: 'virtual_machine', name: 'evt-del-vm', source: 'manual', actor: expect.objectContaining({ type: 'user' }) },
      ]);
      expect(await events('relationship.removed', link)).toEqual([
        {
          id: link,
          type: 'runs_on',
          sourceId: app.id,
          targetId: vm.id,
          source: 'manual',
          actor: expect.objectContaining({ type: 'user' }),
        },
      ]);
    });

    it('publishes relationship.added and relationship.removed; refused changes publish nothing', async () => {
      const app = await create({ type: 'application', name: 'evt-rel-app' });
      const vm = await create({ type: 'virtual_machine', name: 'evt-rel-vm' });
      const added = () => publishedEvents(t.database.db, 'relationship.added', (p) => p.sourceId === app.id);
      expect(
        (await admin.request('POST', '/api/v1/relationships', { type: 'runs_on', sourceId: app.id, targetId: app.id })).statusCode,
      ).toBe(400);
      expect(await added()).toEqual([]);
      const id = await relate(app.id, vm.id);
      expect(
        (await admin.request('POST', '/api/v1/relationships', { type: 'runs_on', sourceId: app.id, targetId: vm.id })).statusCode,
      ).toBe(409);
      const expected = {
        id,
        type: 'runs_on',
        sourceId: app.id,
        targetId: vm.id,
        source: 'manual',
        actor: expect.objectContaining({ type: 'user' }),
      };
      expect(await added()).toEqual([expected]);
      expect((await admin.request('DELETE', `/api/v1/relationships/${id}`)).statusCode).toBe(204);
      expect((await admin.request('DELETE', `/api/v1/relationships/${id}`)).statusCode).toBe(404);
      expect(await events('relationship.removed', id)).toEqual([expected]);
    });

    it('publishes ci.updated per changed CI of a bulk edit, and ci.deleted and relationship.removed once each for a bulk delete', async () => {
      const a = await create({ type: 'application', name: 'evt-bulk-a' });
      const b = await create({ type: 'virtual_machine', name: 'evt-bulk-b', environment: 'production' });
      const link = await relate(a.id, b.id);
      const refused = await admin.request('POST', '/api/v1/cis/bulk-update', {
        ids: [a.id, b.id],
        confirm: 3,
        patch: { environment: 'production' },
      });
      expect(refused.statusCode).toBe(409);
      expect([...(await events('ci.updated', a.id)), ...(await events('ci.updated', b.id))]).toEqual([]);
      const res = await admin.request('POST', '/api/v1/cis/bulk-update', {
        ids: [a.id, b.id],
        confirm: 2,
        patch: { environment: 'production' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(await events('ci.updated', a.id)).toMatchObject([
        { version: 2, changes: [{ field: 'environment', from: null, to: 'production' }] },
      ]);
      expect(await events('ci.updated', b.id)).toEqual([]);

      expect((await admin.request('POST', '/api/v1/cis/bulk-delete', { ids: [a.id, b.id], confirm: 1 })).statusCode).toBe(409);
      expect(await events('ci.deleted', a.id)).toEqual([]);
      expect((await admin.request('POST', '/api/v1/cis/bulk-delete', { ids: [a.id, b.id], confirm: 2 })).statusCode).toBe(200);
      expect(await events('ci.deleted', a.id)).toMatchObject([{ name: 'evt-bulk-a', type: 'application' }]);
      expect(await events('ci.deleted', b.id)).toMatchObject([{ name: 'evt-bulk-b', type: 'virtual_machine' }]);
      expect(await events('relationship.removed', link)).toMatchObject([{ sourceId: a.id, targetId: b.id }]);
    });

    it('publishes ci.updated for an observation with its source; an invalid or unchanged one publishes nothing', async () => {
      const ci = await create({ type: 'switch', name: 'evt-obs' });
      const service = serviceOver(deps.db);
      await expect(service.applyObserved(ci.id, 'scan', { attributes: { ports: 'many' } }, ctx)).rejects.toMatchObject({ status: 400 });
      await service.applyObserved(ci.id, 'scan', { model: 'EX4300' }, ctx);
      await service.applyObserved(ci.id, 'scan', { model: 'EX4300' }, ctx);
      expect(await events('ci.updated', ci.id)).toEqual([
        {
          id: ci.id,
          type: 'switch',
          name: 'evt-obs',
          version: 2,
          source: 'scan',
          actor: { type: 'system', id: null, label: 'scanner' },
          changes: [{ field: 'model', from: null, to: 'EX4300' }],
        },
      ]);
    });

    it('publishes nothing when the transaction the change was made in throws after it', async () => {
      let createdId = '';
      await expect(
        deps.db.transaction().execute(async (trx) => {
          createdId = (await serviceOver(trx).create({ type: 'application', name: 'evt-rolled-back' }, ctx, 'import')).id;
          expect(await publishedEvents(trx, 'ci.created', (p) => p.id === createdId)).toHaveLength(1);
          throw new Error('a later step failed');
        }),
      ).rejects.toThrow('a later step failed');
      expect(createdId).not.toBe('');
      expect(await events('ci.created', createdId)).toEqual([]);
      expect(await t.database.db.selectFrom('cis').select('id').where('id', '=', createdId).execute()).toEqual([]);
    });
  });
}
