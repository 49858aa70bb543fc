import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/database';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { claimJobs } from './job-lease';
import { enqueue, enqueueMany, getJob } from './job-queue';
import { type JobContext, JobWorker, type JobWorkerOptions, PermanentJobError } from './job-worker';

const quiet = { warn: () => {}, error: () => {} };

for (const engine of testEngines()) {
  describe(`job worker on ${engine.dialect}`, () => {
    let database: TestDatabase;
    const workers: JobWorker[] = [];
    const worker = (options: JobWorkerOptions = {}) => {
      const w = new JobWorker(database, { logger: quiet, ...options });
      workers.push(w);
      return w;
    };
    beforeAll(async () => {
      database = await engine.create();
    });
    beforeEach(async () => {
      await database.db.deleteFrom('jobs').execute();
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    });
    afterAll(async () => {
      await database.cleanup();
    });

    it('runs a handler with the job and stores its result', async () => {
      const seen: Omit<JobContext, 'signal'>[] = [];
      const w = worker().handle<{ n: number }>('math', ({ signal, ...job }) => {
        seen.push(job);
        return { doubled: job.payload.n * 2 };
      });
      const { id } = await enqueue(database.db, { queue: 'math', payload: { n: 21 }, maxAttempts: 3 });
      await enqueue(database.db, { queue: 'other', payload: null });
      expect(await w.drain()).toBe(1);
      expect(seen).toEqual([{ id, queue: 'math', payload: { n: 21 }, attempt: 1, maxAttempts: 3 }]);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'succeeded', result: { doubled: 42 }, attempts: 1 });
    });

    it('retries a failing job once the clock passes its growing backoff, then leaves it dead with the last error', async () => {
      let clock = 1_800_000_000_000;
      const runs: number[] = [];
      const w = worker({ backoff: { baseMs: 150, capMs: 1_000 }, now: () => clock }).handle('flaky', () => {
        runs.push(clock);
        throw new Error(`boom ${runs.length}`);
      });
      const { id } = await enqueue(database.db, { queue: 'flaky', payload: null, maxAttempts: 3, runAt: clock });
      expect(await w.runOnce()).toBe(1);
      const afterFirst = await getJob(database.db, id);
      expect(afterFirst).toMatchObject({ status: 'queued', attempts: 1 });
      // Equal jitter: the first retry is due between 75 and 150 ms after the failure, on the worker's clock.
      const firstDelay = afterFirst!.runAt - runs[0]!;
      expect(firstDelay).toBeGreaterThanOrEqual(75);
      expect(firstDelay).toBeLessThanOrEqual(150);

      clock = afterFirst!.runAt - 1;
      expect(await w.runOnce()).toBe(0);
      clock = afterFirst!.runAt;
      expect(await w.runOnce()).toBe(1);
      const afterSecond = await getJob(database.db, id);
      expect(afterSecond).toMatchObject({ status: 'queued', attempts: 2 });
      // The ceiling doubles: the second retry is due between 150 and 300 ms after the second failure.
      const secondDelay = afterSecond!.runAt - runs[1]!;
      expect(secondDelay).toBeGreaterThanOrEqual(150);
      expect(secondDelay).toBeLessThanOrEqual(300);

      clock = afterSecond!.runAt - 1;
      expect(await w.runOnce()).toBe(0);
      clock = afterSecond!.runAt;
      expect(await w.runOnce()).toBe(1);
      expect(runs).toEqual([runs[0], afterFirst!.runAt, afterSecond!.runAt]);
      const job = await getJob(database.db, id);
      expect(job).toMatchObject({ status: 'dead', attempts: 3, lockedBy: null, finishedAt: clock });
      expect(job?.lastError).toMatch(/boom 3/);
      clock += 3_600_000;
      expect(await w.drain()).toBe(0);
    });

    it('gives up at once on a PermanentJobError', async () => {
      const w = worker().handle('strict', () => {
        throw new PermanentJobError('payload has no recipient');
      });
      const { id } = await enqueue(database.db, { queue: 'strict', payload: {} });
      await w.drain();
      expect(await getJob(database.db, id)).toMatchObject({ status: 'dead', attempts: 1 });
    });

    it('keeps the lease alive with heartbeats while a long handler runs past it', async () => {
      let clock = 1_800_000_000_000;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const w = worker({ leaseMs: 1_500, heartbeatMs: 10, now: () => clock }).handle('slow', async () => {
        await finished;
        return 'done';
      });
      const { id } = await enqueue(database.db, { queue: 'slow', payload: null, runAt: clock });
      const running = w.runOnce();
      await vi.waitFor(async () => expect((await getJob(database.db, id))?.lockedUntil).toBe(clock + 1_500));
      // The worker's clock moves past the first lease twice over; after each step a heartbeat must extend the lease
      // from the new time before another worker, looking just before that lease ends, finds the job claimable.
      for (let step = 0; step < 3; step++) {
        clock += 1_000;
        await vi.waitFor(async () => expect((await getJob(database.db, id))?.lockedUntil).toBe(clock + 1_500), {
          timeout: 5_000,
          interval: 10,
        });
        const thief = { workerId: 'thief', queues: ['slow'], limit: 1, leaseMs: 1_000, now: clock + 1_499 };
        expect(await claimJobs(database, thief)).toEqual([]);
      }
      finish();
      await running;
      expect(await getJob(database.db, id)).toMatchObject({ status: 'succeeded', result: 'done', attempts: 1, finishedAt: clock });
    });

    it('aborts the handler signal when the lease is lost, and then writes nothing', async () => {
      let aborted: unknown;
      const w = worker({ leaseMs: 1_000, heartbeatMs: 20 }).handle('watched', async ({ signal }) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        aborted = signal.reason;
        throw signal.reason;
      });
      const { id } = await enqueue(database.db, { queue: 'watched', payload: null });
      const running = w.runOnce();
      await vi.waitFor(async () => expect((await getJob(database.db, id))?.status).toBe('running'));
      await database.db.updateTable('jobs').set({ locked_by: 'someone-else' }).where('id', '=', id).execute();
      await running;
      expect(String(aborted)).toMatch(/lease lost/);
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', lockedBy: 'someone-else', lastError: null });
    });

    it('picks up a job enqueued in this process at once, without waiting for the poll', async () => {
      const done: string[] = [];
      const w = worker({ pollIntervalMs: 60_000 }).handle('prompt', ({ payload }) => {
        done.push(payload as string);
      });
      w.start();
      await sleep(50);
      await enqueue(database.db, { queue: 'prompt', payload: 'direct' });
      await vi.waitFor(() => expect(done).toEqual(['direct']), { timeout: 5_000, interval: 10 });
      // Enqueued inside a transaction that commits a little later: the follow-up look finds it.
      await database.db.transaction().execute(async (trx) => {
        await enqueue(trx, { queue: 'prompt', payload: 'in transaction' });
        await sleep(30);
      });
      await vi.waitFor(() => expect(done).toEqual(['direct', 'in transaction']), { timeout: 5_000, interval: 10 });
    });

    it('runs up to `concurrency` handlers at once', async () => {
      let active = 0;
      let peak = 0;
      const w = worker({ concurrency: 3, pollIntervalMs: 10 }).handle('parallel', async () => {
        peak = Math.max(peak, ++active);
        await sleep(30);
        active--;
      });
      for (let i = 0; i < 9; i++) await enqueue(database.db, { queue: 'parallel', payload: i });
      w.start();
      await vi.waitFor(
        async () => {
          const rows = await database.db.selectFrom('jobs').select('status').where('status', '=', 'succeeded').execute();
          expect(rows).toHaveLength(9);
        },
        { timeout: 3_000, interval: 20 },
      );
      expect(peak).toBe(3);
    });

    it('shares 200 jobs between two workers with separate connection pools, each job handled exactly once', async () => {
      await enqueueMany(
        database.db,
        Array.from({ length: 200 }, (_, i) => ({ queue: 'shared', payload: i })),
      );
      const other = await openDatabase(
        engine.dialect === 'postgres' ? { databaseUrl: database.location, poolSize: 4 } : { sqliteFile: database.location },
      );
      const handledBy = new Map<string, string[]>();
      const record = (name: string) => async (job: JobContext) => {
        handledBy.set(job.id, [...(handledBy.get(job.id) ?? []), name]);
        await sleep(1);
      };
      const a = worker({ concurrency: 8, pollIntervalMs: 5 }).handle('shared', record('a'));
      const b = new JobWorker(other, { concurrency: 8, pollIntervalMs: 5, logger: quiet }).handle('shared', record('b'));
      try {
        a.start();
        b.start();
        await vi.waitFor(
          async () => {
            const done = await database.db.selectFrom('jobs').select('id').where('status', '=', 'succeeded').execute();
            expect(done).toHaveLength(200);
          },
          { timeout: 10_000, interval: 20 },
        );
      } finally {
        await b.stop();
        await other.close();
      }
      expect(handledBy.size).toBe(200);
      expect([...handledBy.values()].filter((names) => names.length !== 1)).toEqual([]);
      expect(new Set([...handledBy.values()].map(([name]) => name))).toEqual(new Set(['a', 'b']));
      const attempts = await database.db.selectFrom('jobs').select('attempts').distinct().execute();
      expect(attempts).toEqual([{ attempts: 1 }]);
    });

    it('stop() waits for running handlers, and aborts them after the grace time', async () => {
      let started = false;
      const w = worker({ pollIntervalMs: 10 }).handle('graceful', async () => {
        started = true;
        await sleep(150);
        return 'finished';
      });
      const { id } = await enqueue(database.db, { queue: 'graceful', payload: null });
      w.start();
      await vi.waitFor(() => expect(started).toBe(true));
      await w.stop();
      expect(await getJob(database.db, id)).toMatchObject({ status: 'succeeded', result: 'finished' });

      let signal: AbortSignal | undefined;
      const stubborn = worker({ pollIntervalMs: 10, shutdownTimeoutMs: 100 }).handle('stubborn', (job) => {
        signal = job.signal;
        return new Promise(() => {});
      });
      await enqueue(database.db, { queue: 'stubborn', payload: null });
      stubborn.start();
      await vi.waitFor(() => expect(signal).toBeDefined());
      expect(signal?.aborted).toBe(false);
      // The handler never settles: stop() resolving at all shows it gave up waiting after the grace time.
      await stubborn.stop();
      expect(signal?.aborted).toBe(true);
      expect(String(signal?.reason)).toMatch(/job worker stopping/);
    });
  });
}
