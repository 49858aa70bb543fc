import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { enqueue, getJob } from './job-queue';
import { JobWorker } from './job-worker';

const fixture = fileURLToPath(new URL('./crash-worker.fixture.ts', import.meta.url));
const CHILD_LEASE_MS = 1_000;

for (const engine of testEngines()) {
  describe(`job worker killed mid-job on ${engine.dialect}`, () => {
    let database: TestDatabase | undefined;
    let child: ChildProcess | undefined;
    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await database?.cleanup();
    });

    it('retries the job in another worker once the lease expires, and finishes it exactly once', async () => {
      database = await engine.create();
      const output = path.join(database.dataDir, 'side-effects.log');
      const { id } = await enqueue(database.db, { queue: 'kill-test', payload: { step: 'send' }, maxAttempts: 3 });

      let stderr = '';
      child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        env: {
          ...process.env,
          KILL_TEST_DIALECT: engine.dialect,
          KILL_TEST_LOCATION: database.location,
          KILL_TEST_OUTPUT: output,
          KILL_TEST_LEASE_MS: String(CHILD_LEASE_MS),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      await vi.waitFor(
        () => {
          if (child?.exitCode !== null) throw new Error(`child exited early (${child?.exitCode}): ${stderr}`);
          expect(existsSync(output) && readFileSync(output, 'utf8')).toContain(`started ${id} attempt 1 by child`);
        },
        { timeout: 10_000, interval: 20 },
      );
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect(await getJob(database.db, id)).toMatchObject({ status: 'running', attempts: 1, lockedBy: `child-${child.pid}` });

      let completions = 0;
      const worker = new JobWorker(database, { leaseMs: 500, logger: { warn: () => {}, error: () => {} } }).handle('kill-test', (job) => {
        appendFileSync(output, `started ${job.id} attempt ${job.attempt} by parent\n`);
        completions++;
        appendFileSync(output, `completed ${job.id}\n`);
        return { sent: true };
      });
      // The dead child's lease still holds for a while: nobody may take the job yet.
      expect(await worker.runOnce()).toBe(0);
      await vi.waitFor(
        async () => {
          await worker.drain();
          expect((await getJob(database!.db, id))?.status).toBe('succeeded');
        },
        { timeout: 10_000, interval: 50 },
      );
      await sleep(50);
      expect(await worker.drain()).toBe(0);

      const job = await getJob(database.db, id);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 2, result: { sent: true }, lockedBy: null });
      expect(job?.lastError).toMatch(/lease expired/);
      expect(completions).toBe(1);
      expect(readFileSync(output, 'utf8').trim().split('\n')).toEqual([
        `started ${id} attempt 1 by child`,
        `started ${id} attempt 2 by parent`,
        `completed ${id}`,
      ]);
    });
  });
}
