import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { publishedEvents } from '../../../platform/events/outbox.fixtures';
import { createInventoryDeps } from '../inventory-deps';
import { ImportService } from './import.service';

/* An import publishes what it writes (`ci.*`, `relationship.added`) with each batch, and `import.finished` once. */
for (const engine of testEngines()) {
  describe(`import events on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let imports: ImportService;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      imports = new ImportService(createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit }));
    }, 60_000);
    afterAll(() => t?.close());

    const runImport = async (body: Record<string, unknown>): Promise<string> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', dryRun: false, ...body });
      expect(res.statusCode, res.body).toBe(202);
      const id: string = res.json().id;
      await imports.run(id);
      await imports.run(id); // a finished import is left alone: nothing is published twice
      return id;
    };
    const finished = (importId: string) => publishedEvents(t.database.db, 'import.finished', (e) => e.importId === importId);
    const createdNamed = (prefix: string) => publishedEvents(t.database.db, 'ci.created', (e) => e.name.startsWith(prefix));

    it('publishes ci.created, ci.updated and relationship.added with source import, then import.finished', async () => {
      const first = await runImport({ ciType: 'virtual_machine', content: 'name,serial\nimp-a,S1\nimp-b,\n' });
      expect(await finished(first)).toEqual([
        {
          importId: first,
          kind: 'cis',
          status: 'succeeded',
          dryRun: false,
          counts: { created: 2, updated: 0, unchanged: 0, errors: 0 },
          appliedRows: 2,
          failure: null,
        },
      ]);
      const created = await createdNamed('imp-');
      expect(created.map((e) => [e.name, e.source, e.actor.type])).toEqual([
        ['imp-a', 'import', 'user'],
        ['imp-b', 'import', 'user'],
      ]);
      const b = created[1]?.id as string;
      await runImport({ ciType: 'virtual_machine', content: 'name,serial\nimp-b,S2\n' });
      expect(await publishedEvents(t.database.db, 'ci.updated', (e) => e.id === b)).toMatchObject([
        { source: 'import', changes: [{ field: 'serial', from: null, to: 'S2' }] },
      ]);
      const app = await admin.request('POST', '/api/v1/cis', { type: 'application', name: 'imp-app' });
      await runImport({ kind: 'relationships', content: 'source,type,target\nimp-app,runs_on,imp-a\n' });
      expect(await publishedEvents(t.database.db, 'relationship.added', (e) => e.sourceId === app.json().id)).toMatchObject([
        { type: 'runs_on', targetId: created[0]?.id, source: 'import' },
      ]);
    });

    it('publishes import.finished for a dry run and for a failed import, and no change of theirs', async () => {
      const dry = await runImport({ ciType: 'virtual_machine', dryRun: true, content: 'name\nimp-dry\n' });
      expect(await finished(dry)).toMatchObject([{ status: 'succeeded', dryRun: true, counts: { created: 1 }, appliedRows: 0 }]);
      const failed = await runImport({ ciType: 'virtual_machine', content: 'name,attributes.vcpus\nimp-ok,2\nimp-bad,many\n' });
      expect(await finished(failed)).toEqual([
        {
          importId: failed,
          kind: 'cis',
          status: 'failed',
          dryRun: false,
          counts: { created: 1, updated: 0, unchanged: 0, errors: 1 },
          appliedRows: 0,
          failure: expect.stringContaining('nothing was written'),
        },
      ]);
      const unreadable = await runImport({ ciType: 'virtual_machine', content: 'name,nonsense\nimp-x,1\n' });
      expect(await finished(unreadable)).toMatchObject([{ status: 'failed', failure: expect.stringContaining('cannot be read') }]);
      expect(await createdNamed('imp-dry')).toEqual([]);
      expect(await createdNamed('imp-ok')).toEqual([]);
      expect(await createdNamed('imp-x')).toEqual([]);
    });
  });
}
