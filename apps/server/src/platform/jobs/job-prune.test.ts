import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { deleteInBatches, pruneFinishedJobs } from './job-prune';
import { enqueueMany } from './job-queue';
import type { JobStatus } from './jobs.tables';

const DAY = 86_400_000;

describe('deleteInBatches', () => {
  it('asks for full batches until one comes back short, and adds them up', async () => {
    const remaining = [3, 3, 1];
    const asked: number[] = [];
    const batch = async (size: number) => {
      asked.push(size);
      return remaining.shift() ?? 0;
    };
    expect(await deleteInBatches(3, batch)).toBe(7);
    expect(asked).toEqual([3, 3, 3]);
    expect(await deleteInBatches(3, async () => 0)).toBe(0);
    await expect(deleteInBatches(0, async () => 0)).rejects.toThrow(/batchSize/);
  });
});

for (const engine of testEngines()) {
  describe(`pruning finished jobs on ${engine.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.create();
    });
    beforeEach(async () => {
      await database.db.deleteFrom('jobs').execute();
    });
    afterAll(() => database?.cleanup());

    const now = Date.UTC(2026, 11, 3);
    /** Writes a job per spec, as its queue name, with the state and times given. */
    const seed = async (specs: Array<{ name: string; status: JobStatus; finishedAt: number | null; runAt: number }>) => {
      await enqueueMany(
        database.db,
        specs.map((s) => ({ queue: s.name, payload: null, runAt: s.runAt })),
      );
      for (const s of specs) {
        await database.db.updateTable('jobs').set({ status: s.status, finished_at: s.finishedAt }).where('queue', '=', s.name).execute();
      }
    };
    const left = async () => (await database.db.selectFrom('jobs').select('queue').orderBy('queue').execute()).map((r) => r.queue);

    it('deletes succeeded and dead jobs finished before the retention, in batches, and keeps the rest', async () => {
      const old = now - 8 * DAY;
      await seed([
        { name: 'old-succeeded-1', status: 'succeeded', runAt: old - 1_000, finishedAt: old },
        { name: 'old-succeeded-2', status: 'succeeded', runAt: old - 1_000, finishedAt: old },
        { name: 'old-succeeded-3', status: 'succeeded', runAt: old - 1_000, finishedAt: old },
        { name: 'old-dead', status: 'dead', runAt: old, finishedAt: old },
        { name: 'recent-succeeded', status: 'succeeded', runAt: old, finishedAt: now - DAY },
        { name: 'recent-dead', status: 'dead', runAt: now - DAY, finishedAt: now - DAY },
        { name: 'old-queued', status: 'queued', runAt: old, finishedAt: null },
        { name: 'old-running', status: 'running', runAt: old, finishedAt: null },
      ]);
      expect(await pruneFinishedJobs(database.db, 7 * DAY, { now, batchSize: 3 })).toBe(4);
      expect(await left()).toEqual(['old-queued', 'old-running', 'recent-dead', 'recent-succeeded']);
      expect(await pruneFinishedJobs(database.db, 7 * DAY, { now })).toBe(0);
      expect(await pruneFinishedJobs(database.db, 0, { now })).toBe(2);
      expect(await left()).toEqual(['old-queued', 'old-running']);
    });

    it('refuses a negative retention', async () => {
      await expect(pruneFinishedJobs(database.db, -1)).rejects.toThrow(/olderThanMs/);
    });
  });
}
