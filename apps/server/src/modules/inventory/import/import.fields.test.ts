import type { Ci, ImportRun } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createInventoryDeps } from '../inventory-deps';
import { ImportService } from './import.service';

/* Imports of custom fields, and of owner, location and tags onto existing CIs (with manual values kept). */
for (const engine of testEngines()) {
  describe(`CMDB import of custom fields and references on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let imports: ImportService;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      imports = new ImportService(createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit }));
      for (const [type, name] of [
        ['site', 'Zürich'],
        ['site', 'Basel'],
        ['team', 'Platform'],
        ['team', 'Data'],
        ['person', 'Ada'],
        ['application', 'Billing'],
      ] as const) {
        const res = await admin.request('POST', '/api/v1/cis', { type, name });
        expect(res.statusCode, res.body).toBe(201);
        ids[name] = res.json().id;
      }
      for (const field of [
        { key: 'tier', label: 'Tier', kind: 'select', options: ['gold', 'silver'], required: true },
        { key: 'cores', label: 'Cores', kind: 'number' },
        { key: 'renewal', label: 'Renewal', kind: 'date' },
        { key: 'runbook', label: 'Runbook', kind: 'url' },
        { key: 'note', label: 'Note', kind: 'text' },
        { key: 'dba', label: 'DBA', kind: 'ci_reference', referenceType: 'person' },
        { key: 'app', label: 'Application', kind: 'ci_reference' },
      ]) {
        const res = await admin.request('POST', '/api/v1/custom-fields', { ciType: 'database', ...field });
        expect(res.statusCode, res.body).toBe(201);
      }
    }, 60_000);
    afterAll(() => t?.close());

    const runImport = async (body: Record<string, unknown>): Promise<ImportRun> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', ciType: 'database', dryRun: false, ...body });
      expect(res.statusCode, res.body).toBe(202);
      await imports.run(res.json().id);
      return (await admin.request('GET', `/api/v1/imports/${res.json().id}`)).json();
    };
    const ciNamed = async (name: string): Promise<Ci> => {
      const res = await admin.request('GET', `/api/v1/cis?type=database&limit=500&q=${encodeURIComponent(name)}`);
      return (res.json().items as Ci[]).find((c) => c.name === name) as Ci;
    };
    const fieldsOf = (run: ImportRun, row: number) =>
      run.rows
        .find((r) => r.row === row)
        ?.errors.map((e) => e.field)
        .sort();

    it('validates every custom field kind per row in a dry run, resolving references by id or name', async () => {
      const csv =
        'name,cf.tier,cf.cores,cf.renewal,cf.runbook,cf.note,cf.dba,cf.app\n' +
        `cf-ok,gold,4,2027-03-01,https://wiki.example.org/db,hello,Ada,${ids.Billing}\n` +
        'cf-bad,bronze,many,2027-02-30,ftp://x,,Platform,Nobody\n' +
        'cf-missing,,,,,,,\n';
      const run = await runImport({ content: csv, dryRun: true });
      expect(run.status, JSON.stringify(run)).toBe('succeeded');
      expect(run.counts).toEqual({ created: 1, updated: 0, unchanged: 0, errors: 2 });
      expect(fieldsOf(run, 2)).toEqual(['app', 'cores', 'dba', 'renewal', 'runbook', 'tier'].map((k) => `customFields.${k}`));
      expect(run.rows[1]?.errors.find((e) => e.field === 'customFields.tier')?.message).toBe('"bronze": must be one of: gold, silver');
      expect(run.rows[1]?.errors.find((e) => e.field === 'customFields.dba')?.message).toContain('no person CI');
      expect(run.rows[2]?.errors).toEqual([{ field: 'customFields.tier', message: 'is required for type database' }]);
    });

    it('creates and updates custom field values; a hand-set value is kept and the conflict recorded', async () => {
      const mapping = { name: 'name', Tier: 'customFields.tier', Cores: 'customFields.cores', DBA: 'customFields.dba' };
      const first = await runImport({ content: 'name,Tier,Cores,DBA\ncf-1,gold,4,Ada\n', mapping });
      expect(first.status, JSON.stringify(first)).toBe('succeeded');
      const ci = await ciNamed('cf-1');
      expect(ci.customFields).toEqual({ tier: 'gold', cores: 4, dba: ids.Ada });
      expect(ci.provenance['customFields.cores']?.source).toBe('import');

      const etag = (await admin.request('GET', `/api/v1/cis/${ci.id}`)).headers.etag as string;
      const patch = await admin.request('PATCH', `/api/v1/cis/${ci.id}`, { customFields: { tier: 'silver' } }, { 'if-match': etag });
      expect(patch.statusCode, patch.body).toBe(200);
      const second = await runImport({ content: 'name,Tier,Cores,DBA\ncf-1,gold,8,Ada\n', mapping });
      expect(second.rows[0]).toMatchObject({ action: 'update', conflicts: ['customFields.tier'] });
      expect((await ciNamed('cf-1')).customFields).toEqual({ tier: 'silver', cores: 8, dba: ids.Ada });
      const history = (await admin.request('GET', `/api/v1/cis/${ci.id}/history`)).json().items as Array<{
        kind: string;
        changes: Array<{ field: string; from: unknown; to: unknown }>;
      }>;
      expect(history.find((h) => h.kind === 'conflict')?.changes).toEqual([{ field: 'customFields.tier', from: 'silver', to: 'gold' }]);
      const again = await runImport({ content: 'name,Tier,Cores,DBA\ncf-1,silver,8,Ada\n', mapping });
      expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 1, errors: 0 });
    });

    it('applies owner, location and tags on update; names resolve as on create; manual ones conflict', async () => {
      const created = await runImport({ content: 'name,cf.tier,ownerTeamId,locationId,tags\nref-1,gold,Platform,Zürich,a\n' });
      expect(created.status, JSON.stringify(created)).toBe('succeeded');
      const moved = await runImport({ content: 'name,ownerTeamId,locationId,tags\nref-1,Data,Basel,"b,a"\n' });
      expect(moved.status, JSON.stringify(moved)).toBe('succeeded');
      expect(moved.rows[0]).toMatchObject({ action: 'update', errors: [] });
      const ci = await ciNamed('ref-1');
      expect(ci).toMatchObject({ ownerTeamId: ids.Data, locationId: ids.Basel, tags: ['a', 'b'] });
      expect(ci.provenance.tags?.source).toBe('import');

      // Set by hand, the owner and the tags stay; the import records the conflicts and still moves the location.
      const etag = (await admin.request('GET', `/api/v1/cis/${ci.id}`)).headers.etag as string;
      const patch = await admin.request(
        'PATCH',
        `/api/v1/cis/${ci.id}`,
        { ownerTeamId: ids.Platform, tags: ['manual'] },
        { 'if-match': etag },
      );
      expect(patch.statusCode, patch.body).toBe(200);
      const third = await runImport({ content: 'name,ownerTeamId,locationId,tags\nref-1,Data,Zürich,imported\n' });
      expect(third.rows[0]).toMatchObject({ action: 'update', conflicts: ['ownerTeamId', 'tags'] });
      expect(await ciNamed('ref-1')).toMatchObject({ ownerTeamId: ids.Platform, locationId: ids.Zürich, tags: ['manual'] });
      const tagged = await admin.request('GET', `/api/v1/cis?type=database&tag=manual`);
      expect((tagged.json().items as Ci[]).map((c) => c.name)).toEqual(['ref-1']);

      const unknown = await runImport({ content: 'name,ownerTeamId\nref-1,Nobody\n', dryRun: true });
      expect(unknown.rows[0]?.errors).toEqual([{ field: 'ownerTeamId', message: 'no team or person CI has the id or name "Nobody"' }]);
    });

    it('names the value given and the values allowed when a common field or attribute has a value outside its list', async () => {
      const run = await runImport({ content: 'name,status,attr.engine,cf.tier\nenum-1,Active,Postgres,gold\n', dryRun: true });
      expect(run.rows[0]?.errors).toEqual([
        { field: 'status', message: '"Active": must be one of: planned, ordered, in_stock, deployed, in_maintenance, retired, disposed' },
        {
          field: 'attributes.engine',
          message: '"Postgres": must be one of: postgresql, mysql, mariadb, sqlserver, oracle, sqlite, mongodb, redis, other',
        },
      ]);
    });
  });
}
