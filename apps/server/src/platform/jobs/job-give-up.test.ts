import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { type GiveUpContext, type GiveUpHandler, JobAbandonedError, sweepAbandonedJobs } from './job-give-up';
import { claimJobs } from './job-lease';
import { enqueue, getJob } from './job-queue';
import { JobWorker, PermanentJobError } from './job-worker';

const quiet = { warn: () => {}, error: () => {} };

interface OutcomeTables {
  t_outcomes: { job_id: string; note: string };
}

for (const engine of testEngines()) {
  describe(`give-up handlers and the abandoned-job sweep on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let outcomes: Kysely<OutcomeTables>;
    const workers: JobWorker[] = [];
    const calls: Array<{ payload: unknown; error: unknown; ctx: Omit<GiveUpContext, 'trx'> }> = [];
    let giveUpFails = false;

    /** Records the call and writes an outcome row with the transaction it is handed; throws when `giveUpFails`. */
    const onGiveUp: GiveUpHandler<{ n: number }> = async (payload, error, { trx, ...ctx }) => {
      calls.push({ payload, error, ctx });
      await (trx as Kysely<OutcomeTables>)
        .insertInto('t_outcomes')
        .values({ job_id: ctx.id, note: String(payload.n) })
        .execute();
      if (giveUpFails) throw new Error('give-up handler broke');
    };
    const worker = (handler: () => unknown) => {
      const w = new JobWorker(database, { logger: quiet, backoff: { baseMs: 0, capMs: 0 } }).handle('work', handler, { onGiveUp });
      workers.push(w);
      return w;
    };
    const written = async () => (await outcomes.selectFrom('t_outcomes').select(['job_id', 'note']).execute()).map((r) => r.job_id);

    beforeAll(async () => {
      database = await engine.create();
      outcomes = database.db as Kysely<OutcomeTables>;
      await sql`create table t_outcomes (job_id text primary key, note text not null)`.execute(outcomes);
    });
    beforeEach(async () => {
      await database.db.deleteFrom('jobs').execute();
      await outcomes.deleteFrom('t_outcomes').execute();
      calls.length = 0;
      giveUpFails = false;
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    });
    afterAll(() => database?.cleanup());

    it('calls onGiveUp once, after the last attempt fails, and commits its write with the dead job', async () => {
      const { id } = await enqueue(database.db, { queue: 'work', payload: { n: 7 }, maxAttempts: 3 });
      const w = worker(() => {
        throw new Error('still broken');
      });
      await w.drain();
      expect(await getJob(database.db, id)).toMatchObject({ status: 'dead', attempts: 3 });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ payload: { n: 7 }, ctx: { id, queue: 'work', attempt: 3, maxAttempts: 3 } });
      expect(calls[0]?.error).toMatchObject({ message: 'still broken' });
      expect(await written()).toEqual([id]);
    });

    it('calls onGiveUp at once for a PermanentJobError, and never for a job that succeeds', async () => {
      const { id } = await enqueue(database.db, { queue: 'work', payload: { n: 1 }, maxAttempts: 5 });
      await worker(() => {
        throw new PermanentJobError('bad payload');
      }).drain();
      expect(await getJob(database.db, id)).toMatchObject({ status: 'dead', attempts: 1 });
      expect(calls.map((c) => c.ctx.attempt)).toEqual([1]);
      await enqueue(database.db, { queue: 'work', payload: { n: 2 } });
      await worker(() => 'fine').drain();
      expect(calls).toHaveLength(1);
    });

    it('rolls the death back with a failing onGiveUp, and the sweep settles the job once the lease expires', async () => {
      const { id } = await enqueue(database.db, { queue: 'work', payload: { n: 3 }, maxAttempts: 1 });
      giveUpFails = true;
      const w = worker(() => {
        throw new Error('last try failed');
      });
      await w.drain();
      // Neither the death nor the handler's write committed; the job waits for its lease to run out.
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', attempts: 1 });
      expect(await written()).toEqual([]);
      expect(await w.sweepAbandoned()).toBe(0);

      const later = Date.now() + 120_000;
      await expect(w.sweepAbandoned({ now: later })).rejects.toThrow(/could not be given up/);
      expect((await getJob(database.db, id))?.status).toBe('running');
      giveUpFails = false;
      expect(await w.sweepAbandoned({ now: later })).toBe(1);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/lease expired/) });
      expect(calls.at(-1)?.error).toBeInstanceOf(JobAbandonedError);
      expect(await written()).toEqual([id]);
      expect(await w.sweepAbandoned({ now: later })).toBe(0);
    });

    it('sweeps only exhausted jobs whose lease expired, of the queues it is given, each once', async () => {
      const now = Date.now();
      const lost = await enqueue(database.db, { queue: 'work', payload: { n: 1 }, maxAttempts: 1, runAt: now });
      const retryable = await enqueue(database.db, { queue: 'work', payload: { n: 2 }, maxAttempts: 2, runAt: now });
      const otherQueue = await enqueue(database.db, { queue: 'elsewhere', payload: { n: 3 }, maxAttempts: 1, runAt: now });
      // Each is claimed by a worker that then dies: leases of 1 s.
      expect(await claimJobs(database, { workerId: 'gone', queues: ['work', 'elsewhere'], limit: 10, leaseMs: 1_000, now })).toHaveLength(
        3,
      );

      expect(await sweepAbandonedJobs(database, { work: onGiveUp as GiveUpHandler }, { now: now + 999 })).toBe(0);
      const sweeps = await Promise.all([
        sweepAbandonedJobs(database, { work: onGiveUp as GiveUpHandler }, { now: now + 1_000 }),
        sweepAbandonedJobs(database, { work: onGiveUp as GiveUpHandler }, { now: now + 1_000 }),
      ]);
      expect(sweeps[0] + sweeps[1]).toBe(1);
      expect(calls.map((c) => c.ctx)).toEqual([{ id: lost.id, queue: 'work', attempt: 1, maxAttempts: 1 }]);
      expect(await getJob(database.db, lost.id)).toMatchObject({ status: 'dead', lockedBy: null, finishedAt: now + 1_000 });
      // Attempts left: the next claim runs it again instead.
      expect((await getJob(database.db, retryable.id))?.status).toBe('running');
      expect((await getJob(database.db, otherQueue.id))?.status).toBe('running');
      expect(await sweepAbandonedJobs(database, { elsewhere: null }, { now: now + 1_000 })).toBe(1);
      expect((await getJob(database.db, otherQueue.id))?.status).toBe('dead');
      expect(calls).toHaveLength(1);
    });

    it('buries a job whose worker died on its last attempt before the next claim, with its onGiveUp', async () => {
      const past = Date.now() - 5_000;
      const { id } = await enqueue(database.db, { queue: 'work', payload: { n: 9 }, maxAttempts: 1, runAt: past });
      expect(await claimJobs(database, { workerId: 'gone', queues: ['work'], limit: 1, leaseMs: 1_000, now: past })).toHaveLength(1);
      let ran = 0;
      expect(
        await worker(() => {
          ran++;
        }).runOnce(),
      ).toBe(0);
      expect(ran).toBe(0);
      expect((await getJob(database.db, id))?.status).toBe('dead');
      expect(calls.map((c) => c.ctx.id)).toEqual([id]);
      expect(await written()).toEqual([id]);
    });
  });
}
