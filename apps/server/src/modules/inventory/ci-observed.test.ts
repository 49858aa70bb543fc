import type { Ci } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { CiService } from './ci.service';
import { CustomFieldService } from './custom-field.service';
import { createInventoryDeps } from './inventory-deps';

/* applyObserved beyond common fields and attributes: owner, location, tags and custom fields, as discovery sends them. */
for (const engine of testEngines()) {
  describe(`observed owner, location, tags and custom fields on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let service: CiService;
    const ctx = { actor: { type: 'system' as const, id: null, label: 'scanner' }, requestId: null, sourceIp: null };
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      const deps = createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit });
      service = new CiService(deps.db, deps.dialect, deps.audit, deps.history, new CustomFieldService(deps.db, deps.dialect, deps.audit));
      for (const [type, name] of [
        ['team', 'Ops'],
        ['site', 'Bern'],
        ['application', 'erp'],
      ] as const) {
        ids[name] = (await admin.request('POST', '/api/v1/cis', { type, name })).json().id;
      }
      const field = await admin.request('POST', '/api/v1/custom-fields', {
        ciType: 'switch',
        key: 'ports',
        label: 'Ports',
        kind: 'number',
      });
      expect(field.statusCode, field.body).toBe(201);
    }, 60_000);
    afterAll(() => t?.close());

    const fresh = async (name: string): Promise<Ci> => (await admin.request('POST', '/api/v1/cis', { type: 'switch', name })).json();

    it('sets them with the observing source, then leaves an unchanged observation alone', async () => {
      const ci = await fresh('sw-obs-1');
      const observed = { ownerTeamId: ids.Ops, locationId: ids.Bern, tags: ['core', 'access'], customFields: { ports: 48 } };
      const first = await service.applyObserved(ci.id, 'scan', observed, ctx);
      expect(first.conflicts).toEqual([]);
      expect(first.ci).toMatchObject({ ownerTeamId: ids.Ops, locationId: ids.Bern, tags: ['access', 'core'], version: 2 });
      expect(first.ci.customFields).toEqual({ ports: 48 });
      expect(first.ci.provenance.tags?.source).toBe('scan');
      expect(first.ci.provenance['customFields.ports']?.source).toBe('scan');
      expect((await admin.request('GET', `/api/v1/cis/${ci.id}`)).json()).toEqual(first.ci);
      const again = await service.applyObserved(ci.id, 'scan', { ...observed, tags: ['access', 'core'] }, ctx);
      expect(again.ci.version).toBe(2);
      // An empty tag list observed clears tags the observer owns.
      const cleared = await service.applyObserved(ci.id, 'scan', { tags: [] }, ctx);
      expect(cleared.ci.tags).toEqual([]);
      expect(cleared.ci.provenance.tags).toBeUndefined();
    });

    it('refuses references of the wrong type and invalid custom values whole, writing nothing', async () => {
      const ci = await fresh('sw-obs-2');
      for (const bad of [
        { ownerTeamId: ids.erp },
        { locationId: ids.Ops },
        { customFields: { ports: 'many' } },
        { customFields: { nope: 1 } },
      ]) {
        await expect(service.applyObserved(ci.id, 'agent', { serial: 'X1', ...bad }, ctx)).rejects.toMatchObject({ status: 400 });
      }
      const stored = (await admin.request('GET', `/api/v1/cis/${ci.id}`)).json() as Ci;
      expect(stored).toMatchObject({ serial: null, ownerTeamId: null, version: 1 });
    });

    it('keeps hand-set tags and owner, recording the conflict', async () => {
      const ci = await fresh('sw-obs-3');
      const etag = (await admin.request('GET', `/api/v1/cis/${ci.id}`)).headers.etag as string;
      await admin.request('PATCH', `/api/v1/cis/${ci.id}`, { tags: ['mine'], ownerTeamId: ids.Ops }, { 'if-match': etag });
      const result = await service.applyObserved(ci.id, 'agent', { tags: ['theirs'], ownerTeamId: null, customFields: { ports: 24 } }, ctx);
      expect(result.conflicts).toEqual([
        { field: 'ownerTeamId', manual: ids.Ops, observed: null },
        { field: 'tags', manual: ['mine'], observed: ['theirs'] },
      ]);
      expect(result.ci).toMatchObject({ tags: ['mine'], ownerTeamId: ids.Ops, customFields: { ports: 24 } });
    });
  });
}
