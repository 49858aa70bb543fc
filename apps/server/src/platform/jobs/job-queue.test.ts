import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { sweepAbandonedJobs } from './job-give-up';
import { claimJobs, completeJob, extendLease, failJob } from './job-lease';
import { enqueue, enqueueMany, getJob } from './job-queue';

for (const engine of testEngines()) {
  describe(`job queue on ${engine.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.create();
    });
    beforeEach(async () => {
      await database.db.deleteFrom('jobs').execute();
    });
    afterAll(async () => {
      await database.cleanup();
    });

    const claim = (workerId: string, now: number, leaseMs = 1_000, queues = ['mail']) =>
      claimJobs(database, { workerId, queues, limit: 10, leaseMs, now });
    const countJobs = async () =>
      Number(
        (
          await database.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('enqueues, claims once, and completes with a result', async () => {
      const { id, created } = await enqueue(database.db, { queue: 'mail', payload: { to: 'a@example.org' } });
      expect(created).toBe(true);
      expect(await getJob(database.db, id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        maxAttempts: 5,
        payload: { to: 'a@example.org' },
      });

      const now = Date.now();
      const [job, ...rest] = await claim('w1', now);
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ id, attempt: 1, queue: 'mail', payload: { to: 'a@example.org' }, lockedUntil: now + 1_000 });
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', lockedBy: 'w1', lockedUntil: now + 1_000, attempts: 1 });
      expect(await claim('w2', now)).toEqual([]);

      expect(await completeJob(database.db, job!, { sent: true })).toBe(true);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'succeeded', result: { sent: true }, lockedBy: null });
      expect((await getJob(database.db, id))?.finishedAt).toBeTypeOf('number');
      expect(await completeJob(database.db, job!, { sent: 'twice' })).toBe(false);
      expect(await getJob(database.db, id)).toMatchObject({ result: { sent: true } });
    });

    it('claims only due jobs of the given queues, oldest first, up to the limit', async () => {
      const now = Date.now();
      const later = await enqueue(database.db, { queue: 'mail', payload: 1, runAt: now + 60_000 });
      const first = await enqueue(database.db, { queue: 'mail', payload: 2, runAt: now - 2_000 });
      const second = await enqueue(database.db, { queue: 'mail', payload: 3, runAt: now - 1_000 });
      await enqueue(database.db, { queue: 'scan', payload: 4 });
      const claimed = await claimJobs(database, { workerId: 'w', queues: ['mail'], limit: 1, leaseMs: 120_000, now });
      expect(claimed.map((j) => j.id)).toEqual([first.id]);
      expect((await claim('w', now, 120_000)).map((j) => j.id)).toEqual([second.id]);
      expect(await claim('w', now)).toEqual([]);
      expect((await claim('w', now + 60_000)).map((j) => j.id)).toEqual([later.id]);
    });

    it('treats a duplicate dedupe key as a no-op that returns the existing id', async () => {
      const a = await enqueue(database.db, { queue: 'mail', payload: 'first', dedupeKey: 'welcome:u1' });
      const b = await enqueue(database.db, { queue: 'mail', payload: 'second', dedupeKey: 'welcome:u1' });
      expect(b).toEqual({ id: a.id, created: false });
      expect((await getJob(database.db, a.id))?.payload).toBe('first');
      const created = await enqueueMany(database.db, [
        { queue: 'mail', payload: 1, dedupeKey: 'welcome:u1' },
        { queue: 'mail', payload: 2, dedupeKey: 'welcome:u2' },
        { queue: 'mail', payload: 3 },
        { queue: 'mail', payload: 4 },
      ]);
      expect(created).toBe(3);
      expect(await countJobs()).toBe(4);
    });

    it('writes a job inside the caller transaction: gone on rollback, there on commit', async () => {
      await expect(
        database.db.transaction().execute(async (trx) => {
          await enqueue(trx, { queue: 'mail', payload: 'rolled back' });
          throw new Error('change failed');
        }),
      ).rejects.toThrow('change failed');
      expect(await countJobs()).toBe(0);
      const { id } = await database.db.transaction().execute((trx) => enqueue(trx, { queue: 'mail', payload: 'kept' }));
      expect((await getJob(database.db, id))?.status).toBe('queued');
    });

    it('fences a worker whose lease expired: its completion, failure and heartbeat are ignored', async () => {
      const { id } = await enqueue(database.db, { queue: 'mail', payload: null });
      const t0 = Date.now();
      const [stale] = await claim('w1', t0, 100);
      expect(await claim('w2', t0 + 50)).toEqual([]);
      const [fresh] = await claim('w2', t0 + 100);
      expect(fresh).toMatchObject({ id, attempt: 2 });
      expect((await getJob(database.db, id))?.lastError).toMatch(/lease expired/);

      expect(await completeJob(database.db, stale!, 'stale')).toBe(false);
      expect(await failJob(database.db, stale!, new Error('stale'), Date.now())).toBe('lost');
      expect(await extendLease(database.db, stale!, 10_000)).toBe(false);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', lockedBy: 'w2', attempts: 2 });

      expect(await extendLease(database.db, fresh!, 10_000)).toBe(true);
      expect(await completeJob(database.db, fresh!, 'fresh')).toBe(true);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'succeeded', result: 'fresh' });
    });

    it('retries a failed run at the given time and makes the last failure final', async () => {
      const { id } = await enqueue(database.db, { queue: 'mail', payload: null, maxAttempts: 2 });
      const t0 = Date.now();
      const [first] = await claim('w', t0);
      expect(await failJob(database.db, first!, new Error('smtp down'), t0 + 5_000)).toBe('retrying');
      expect(await getJob(database.db, id)).toMatchObject({ status: 'queued', runAt: t0 + 5_000, lockedBy: null, finishedAt: null });
      expect((await getJob(database.db, id))?.lastError).toMatch(/smtp down/);
      expect(await claim('w', t0 + 4_999)).toEqual([]);
      const [second] = await claim('w', t0 + 5_000);
      expect(second?.attempt).toBe(2);
      expect(await failJob(database.db, second!, new Error('still down'), t0 + 10_000)).toBe('dead');
      expect(await getJob(database.db, id)).toMatchObject({ status: 'dead', attempts: 2 });
      expect(await claim('w', t0 + 60_000)).toEqual([]);
      expect(await completeJob(database.db, second!)).toBe(false);
    });

    it('moves a job whose worker died on its last attempt to dead instead of running it again', async () => {
      const { id } = await enqueue(database.db, { queue: 'mail', payload: null, maxAttempts: 2 });
      const t0 = Date.now();
      expect(await claim('w1', t0, 100)).toHaveLength(1);
      expect(await claim('w2', t0 + 100, 100)).toHaveLength(1);
      expect(await claim('w3', t0 + 200, 100)).toEqual([]);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', attempts: 2 });
      expect(await sweepAbandonedJobs(database, { mail: null }, { now: t0 + 200 })).toBe(1);
      const job = await getJob(database.db, id);
      expect(job).toMatchObject({ status: 'dead', attempts: 2, lockedBy: null });
      expect(job?.lastError).toMatch(/lease expired/);
      expect(job?.finishedAt).toBeTypeOf('number');
    });

    it('never hands one job to two workers with separate connections racing over 200 jobs', async () => {
      await enqueueMany(
        database.db,
        Array.from({ length: 200 }, (_, i) => ({ queue: 'race', payload: i })),
      );
      const other = await openDatabase(
        engine.dialect === 'postgres' ? { databaseUrl: database.location, poolSize: 4 } : { sqliteFile: database.location },
      );
      const seen = new Map<string, string[]>();
      const race = async (handle: typeof database | typeof other, workerId: string) => {
        for (;;) {
          const jobs = await claimJobs(handle, { workerId, queues: ['race'], limit: 7, leaseMs: 60_000 });
          if (jobs.length === 0) return;
          await Promise.all(
            jobs.map(async (job) => {
              seen.set(job.id, [...(seen.get(job.id) ?? []), workerId]);
              await new Promise((r) => setTimeout(r, 1));
              expect(await completeJob(handle.db, job)).toBe(true);
            }),
          );
        }
      };
      try {
        await Promise.all([race(database, 'a1'), race(other, 'b1'), race(database, 'a2'), race(other, 'b2')]);
      } finally {
        await other.close();
      }
      expect(seen.size).toBe(200);
      expect([...seen.values()].filter((workers) => workers.length !== 1)).toEqual([]);
      const owners = new Set([...seen.values()].map(([w]) => w?.[0]));
      expect(owners).toEqual(new Set(['a', 'b']));
      const rows = await database.db.selectFrom('jobs').select(['status', 'attempts']).execute();
      expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    });
  });
}
