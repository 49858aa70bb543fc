/**
 * Child process for the kill test (job-worker.kill.test.ts): runs a JobWorker whose handler for `kill-test` appends
 * a line to KILL_TEST_OUTPUT and then hangs, so the parent can `kill -9` it mid-job.
 * Environment: KILL_TEST_DIALECT (sqlite|postgres), KILL_TEST_LOCATION (SQLite file or PostgreSQL URL),
 * KILL_TEST_OUTPUT (file), KILL_TEST_LEASE_MS.
 */
import { appendFileSync } from 'node:fs';
import { openDatabase } from '../db/database';
import { JobWorker } from './job-worker';

const location = process.env.KILL_TEST_LOCATION as string;
const output = process.env.KILL_TEST_OUTPUT as string;
const leaseMs = Number(process.env.KILL_TEST_LEASE_MS);
const database = await openDatabase(
  process.env.KILL_TEST_DIALECT === 'postgres' ? { databaseUrl: location, poolSize: 2 } : { sqliteFile: location },
);
const worker = new JobWorker(database, {
  workerId: `child-${process.pid}`,
  leaseMs,
  heartbeatMs: Math.floor(leaseMs / 5),
  pollIntervalMs: 20,
});
worker.handle('kill-test', (job) => {
  appendFileSync(output, `started ${job.id} attempt ${job.attempt} by child\n`);
  return new Promise(() => {});
});
worker.start();
