import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/platform/jobs';
import { schedulePlatformTasks } from '../src/platform/module/platform-tasks';
import { Scheduler } from '../src/platform/scheduler/scheduler';
import { createTestEstate, type TestEstate, testEngines } from './harness';

for (const engine of testEngines()) {
  describe(`the modules of a wired Estate on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeAll(async () => {
      t = await createTestEstate(engine);
    });
    afterAll(() => t.close());

    it('builds each module once, with a unique name', () => {
      const names = t.estate.modules.map((m) => m.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toEqual(expect.arrayContaining(['auth', 'audit', 'inventory', 'metrics', 'agents', 'discovery']));
      expect(t.estate.modules).toContain(t.estate.inventory);
      expect(t.estate.modules).toContain(t.estate.agents);
    });

    it('hands every periodic task to one scheduler, and a first tick runs each once without an error', async () => {
      const scheduler = new Scheduler(t.database, { logger: { warn: () => {} } });
      for (const module of t.estate.modules) module.schedules?.(scheduler);
      schedulePlatformTasks(scheduler, t.database, { retentionMs: 7 * 86_400_000, modules: t.estate.modules });
      expect(scheduler.names()).toEqual(
        expect.arrayContaining([
          'auth.prune-sessions',
          'metrics.prune-samples',
          'agents.prune',
          'agents.mark-offline',
          'discovery.scans',
          'platform.sweep-abandoned-jobs',
          'platform.prune-jobs',
          'platform.prune-events',
        ]),
      );
      const now = Date.now();
      expect((await scheduler.tick(now)).sort()).toEqual(scheduler.names().sort());
      expect(await scheduler.tick(now + 1)).toEqual([]);
      const rows = await t.database.db.selectFrom('schedules').select(['name', 'last_error']).execute();
      expect(rows.filter((r) => r.last_error !== null)).toEqual([]);
    });

    it('registers every module job queue on a worker', () => {
      const worker = new JobWorker(t.database, { logger: { warn: () => {}, error: () => {} } });
      for (const module of t.estate.modules) module.jobs?.(worker);
      expect(worker.queues).toEqual(expect.arrayContaining(['discovery.scan-run', 'inventory.import']));
    });
  });
}
