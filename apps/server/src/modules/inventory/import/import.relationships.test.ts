import type { ImportRun, Relationship } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createInventoryDeps } from '../inventory-deps';
import { ImportService } from './import.service';

for (const engine of testEngines()) {
  describe(`relationship import on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let imports: ImportService;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      imports = new ImportService(createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit }));
      for (const [type, name, serial] of [
        ['application', 'billing', null],
        ['virtual_machine', 'vm-1', 'VM1'],
        ['virtual_machine', 'vm-2', null],
        ['physical_server', 'host-1', 'H1'],
        ['physical_server', 'host-2', null],
        ['application', 'twin', null],
        ['database', 'twin', null],
      ] as const) {
        const res = await admin.request('POST', '/api/v1/cis', { type, name, ...(serial ? { serial } : {}) });
        expect(res.statusCode, res.body).toBe(201);
        ids[`${type}:${name}`] = res.json().id;
      }
    }, 60_000);
    afterAll(() => t?.close());

    const runImport = async (body: Record<string, unknown>): Promise<ImportRun> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', kind: 'relationships', dryRun: false, ...body });
      expect(res.statusCode, res.body).toBe(202);
      await imports.run(res.json().id);
      return (await admin.request('GET', `/api/v1/imports/${res.json().id}`)).json();
    };
    const count = async (table: 'relationships' | 'ci_history') =>
      Number(
        (
          await t.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const errorsOf = (run: ImportRun, row: number) => run.rows.find((r) => r.row === row)?.errors;

    it('dry run: reports unknown and ambiguous CIs, unknown and disallowed types, self-links and duplicates', async () => {
      const before = await count('relationships');
      const csv = [
        'source,type,target',
        'billing,runs_on,vm-1',
        'nowhere,runs_on,vm-1',
        'billing,flies_to,vm-1',
        'host-1,runs_on,billing',
        'twin,runs_on,vm-1',
        'vm-1,connected_to,vm-1',
        'billing,runs_on,vm-1',
        'host-1,connected_to,host-2',
        'host-2,connected_to,host-1',
        ',runs_on,vm-1',
      ].join('\n');
      const run = await runImport({ content: csv, dryRun: true });
      expect(run.status, JSON.stringify(run)).toBe('succeeded');
      expect(run.kind).toBe('relationships');
      expect(run.ciType).toBe('');
      expect(run.counts).toEqual({ created: 2, updated: 0, unchanged: 0, errors: 8 });
      expect(run.rows[0]).toEqual({ row: 1, naturalKey: 'billing runs_on vm-1', action: 'create', errors: [] });
      expect(errorsOf(run, 2)).toEqual([{ field: 'source', message: 'no CI has the id or name "nowhere"' }]);
      expect(errorsOf(run, 3)?.[0]?.message).toContain('is not a relationship type');
      expect(errorsOf(run, 4)?.[0]?.message).toContain('runs_on does not allow physical_server → application');
      expect(errorsOf(run, 5)?.[0]?.message).toBe('"twin" names 2 CIs (application, database); give the id or a sourceType column');
      expect(errorsOf(run, 6)).toEqual([{ field: 'target', message: 'a CI cannot be related to itself' }]);
      expect(errorsOf(run, 7)).toEqual([{ field: '', message: 'duplicates row 1 (the same relationship)' }]);
      // Symmetric: B–A is the same relationship as A–B.
      expect(errorsOf(run, 9)).toEqual([{ field: '', message: 'duplicates row 8 (the same relationship)' }]);
      expect(errorsOf(run, 10)).toEqual([{ field: 'source', message: 'is required' }]);
      expect(await count('relationships')).toBe(before);
    });

    it('imports relationships with history on both ends, and re-imports idempotently', async () => {
      const content = JSON.stringify([
        { from: 'twin', fromType: 'application', rel: 'runs_on', to: 'vm-2' },
        { from: ids['virtual_machine:vm-2'], rel: 'runs_on', to: 'host-2' },
        { from: 'host-2', rel: 'connected_to', to: 'host-1' },
      ]);
      const mapping = { from: 'source', fromType: 'sourceType', rel: 'type', to: 'target' };
      const first = await runImport({ format: 'json', content, mapping });
      expect(first.status, JSON.stringify(first)).toBe('succeeded');
      expect(first.counts).toEqual({ created: 3, updated: 0, unchanged: 0, errors: 0 });
      const links = (await admin.request('GET', `/api/v1/relationships?ciId=${ids['virtual_machine:vm-2']}`)).json()
        .items as Relationship[];
      expect(links.map((l) => `${l.type}:${l.source}`).sort()).toEqual(['runs_on:import', 'runs_on:import']);
      const history = (await admin.request('GET', `/api/v1/cis/${ids['application:twin']}/history`)).json().items as Array<{
        kind: string;
        source: string;
        changes: Array<{ field: string }>;
      }>;
      expect(history[0]).toMatchObject({ kind: 'related', source: 'import', changes: [{ field: 'relationship:runs_on' }] });

      const relationships = await count('relationships');
      const entries = await count('ci_history');
      const again = await runImport({ format: 'json', content, mapping });
      expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 3, errors: 0 });
      expect(await count('relationships')).toBe(relationships);
      expect(await count('ci_history')).toBe(entries);
      // Matching by serial instead of name.
      const bySerial = await runImport({ content: 'source,type,target\nVM1,runs_on,H1\n', naturalKey: 'serial' });
      expect(bySerial.counts.created, JSON.stringify(bySerial)).toBe(1);
    });

    it('refuses cycles of acyclic types, with existing relationships and within the file, writing nothing', async () => {
      const before = await count('relationships');
      // vm-1 runs on host-1 (previous test): host-1 running on vm-1 would close a cycle.
      const withExisting = await runImport({ content: 'source,type,target\nbilling,runs_on,vm-1\nhost-1,runs_on,vm-1\n' });
      expect(withExisting.status).toBe('failed');
      expect(withExisting.failure).toContain('1 of 2 rows has errors; nothing was written');
      expect(errorsOf(withExisting, 2)).toEqual([
        { field: 'type', message: 'would make a runs_on cycle: host-1 runs on vm-1 runs on host-1' },
      ]);
      const inFile = await runImport({
        content: 'source,type,target\nvm-2,runs_on,vm-1\nvm-1,runs_on,vm-2\n',
        dryRun: true,
      });
      expect(errorsOf(inFile, 1)).toEqual([]);
      expect(errorsOf(inFile, 2)?.[0]?.message).toBe('would make a runs_on cycle: vm-1 runs on vm-2 runs on vm-1');
      expect(await count('relationships')).toBe(before);
    });

    it('refuses a CI type on a relationship import and a missing one on a CI import; names missing columns', async () => {
      const base = { format: 'csv', dryRun: true, content: 'source,type,target\n' };
      const typed = await admin.request('POST', '/api/v1/imports', { ...base, kind: 'relationships', ciType: 'application' });
      expect(typed.statusCode).toBe(400);
      expect(typed.json().errors).toEqual([{ path: 'body/ciType', message: 'must be left out when kind is relationships' }]);
      const untyped = await admin.request('POST', '/api/v1/imports', base);
      expect(untyped.statusCode).toBe(400);
      expect(untyped.json().errors).toEqual([{ path: 'body/ciType', message: 'is required to import CIs' }]);
      const missing = await runImport({ content: 'source,target,colour\na,b,red\n' });
      expect(missing.status).toBe('failed');
      expect(missing.fileErrors.map((e) => e.field)).toEqual(['colour', 'type']);
    });
  });
}
