import type { ImportRun } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { getJob, JobWorker } from '../../../platform/jobs';
import { createInventoryDeps } from '../inventory-deps';
import { registerImportJob } from './import.job';
import { ImportService } from './import.service';

/* An import must not stay `queued` or `running` once its job can no longer run it. */
for (const engine of testEngines()) {
  describe(`CMDB import recovery on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    }, 60_000);
    afterAll(() => t?.close());

    const deps = () => createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit });
    const start = async (): Promise<string> => {
      const res = await admin.request('POST', '/api/v1/imports', {
        format: 'csv',
        ciType: 'physical_server',
        dryRun: false,
        content: 'name\nrec-1\n',
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json().id;
    };
    const read = async (id: string): Promise<ImportRun> => (await admin.request('GET', `/api/v1/imports/${id}`)).json();
    const jobOf = async (id: string) =>
      t.database.db.selectFrom('jobs').select(['id', 'status']).where('dedupe_key', '=', `import:${id}`).executeTakeFirstOrThrow();

    it('fails the import when the last attempt of its job throws, and only then', async () => {
      const id = await start();
      let attempts = 0;
      class BrokenImports extends ImportService {
        override async run(): Promise<void> {
          attempts++;
          throw new Error('disk on fire\n    at somewhere');
        }
      }
      const worker = new JobWorker(t.database, { backoff: { baseMs: 1, capMs: 2 }, logger: { warn: () => {}, error: () => {} } });
      registerImportJob(worker, new BrokenImports(deps()));
      await worker.runOnce();
      expect(attempts).toBe(1);
      expect((await read(id)).status).toBe('queued');
      for (let i = 0; i < 200 && attempts < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        await worker.runOnce();
      }
      await worker.stop();
      expect(attempts).toBe(3);
      const run = await read(id);
      expect(run.status).toBe('failed');
      expect(run.failure).toBe('The import stopped: its last attempt (3 of 3) failed: disk on fire. No row was written.');
      expect(run.finishedAt).not.toBeNull();
      expect((await getJob(t.database.db, (await jobOf(id)).id))?.status).toBe('dead');
      const audit = await t.database.db.selectFrom('audit_events').select(['action', 'outcome']).where('target_id', '=', id).execute();
      expect(audit).toEqual([{ action: 'import.run', outcome: 'failure' }]);
    });

    it('fails imports whose worker died during the last attempt, through the sweep; live ones are left alone', async () => {
      const [lost, live, partial, retrying] = [await start(), await start(), await start(), await start()];
      const now = Date.now();
      await t.database.db.updateTable('imports').set({ status: 'running', processed_rows: 1000 }).where('id', '=', partial).execute();
      // Their workers crashed during the last attempt: still `running`, lease expired, no attempt left.
      await t.database.db
        .updateTable('jobs')
        .set({ status: 'running', attempts: 3, max_attempts: 3, locked_by: 'gone', locked_until: now - 1 })
        .where('dedupe_key', 'in', [`import:${lost}`, `import:${partial}`])
        .execute();
      // A worker that crashed with attempts left: the job runs again rather than giving up.
      await t.database.db
        .updateTable('jobs')
        .set({ status: 'running', attempts: 1, max_attempts: 3, locked_by: 'gone', locked_until: now - 1 })
        .where('dedupe_key', '=', `import:${retrying}`)
        .execute();
      // What the scheduler's platform task does: the module's own give-up handlers, on a worker that is never started.
      const sweeper = new JobWorker(t.database, { logger: { warn: () => {}, error: () => {} } });
      t.estate.inventory.jobs?.(sweeper);
      expect(await sweeper.sweepAbandoned()).toBe(2);
      expect((await read(lost)).failure).toBe(
        'The import stopped: its last attempt (3 of 3) failed: lease expired: the worker running this attempt stopped heartbeating ' +
          '(crashed or hung). No row was written.',
      );
      expect((await getJob(t.database.db, (await jobOf(lost)).id))?.status).toBe('dead');
      expect((await read(partial)).failure).toContain('Rows 1–1000 were written and stay');
      expect((await read(partial)).appliedRows).toBe(1000);
      expect((await read(live)).status).toBe('queued');
      expect((await read(retrying)).status).toBe('queued');
      expect(await sweeper.sweepAbandoned()).toBe(0);
      const audit = await t.database.db.selectFrom('audit_events').select(['action', 'outcome']).where('target_id', '=', lost).execute();
      expect(audit).toEqual([{ action: 'import.run', outcome: 'failure' }]);
      // The live one still runs normally afterwards.
      await new ImportService(deps()).run(live);
      expect((await read(live)).status).toBe('succeeded');
    });
  });
}
