import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { KILL_TEST_SERIES, KILL_TEST_T0 } from './append-until-killed.fixture';
import { EmbeddedMetricStore } from './embedded-metric-store';

const fixture = fileURLToPath(new URL('./append-until-killed.fixture.ts', import.meta.url));
/** Past one full chunk (120 samples), so both cut chunks and an open head are on disk at the kill. */
const ACKS_BEFORE_KILL = 150;

for (const engine of testEngines()) {
  describe(`the embedded metric store killed mid-append on ${engine.dialect}`, () => {
    let database: TestDatabase | undefined;
    let child: ChildProcess | undefined;
    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await database?.cleanup();
    });

    it('loses no acknowledged sample: a new store reads every one back, the open head included', async () => {
      database = await engine.create();
      let stdout = '';
      let stderr = '';
      child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        env: { ...process.env, KILL_TEST_DIALECT: engine.dialect, KILL_TEST_LOCATION: database.location },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      let lastAck = -1;
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
        const acks = stdout.match(/ack (\d+)\n/g);
        if (acks) lastAck = Number(acks.at(-1)?.slice(4, -1));
        // Killed the moment the Nth acknowledgement arrives, while the next append is under way.
        if (lastAck >= ACKS_BEFORE_KILL - 1 && child?.signalCode === null) child.kill('SIGKILL');
      });
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      await vi.waitFor(
        () => {
          if (child?.exitCode !== null && child?.signalCode === null) throw new Error(`child exited early: ${stderr}`);
          expect(child?.signalCode).toBe('SIGKILL');
        },
        { timeout: 60_000, interval: 20 },
      );
      await exited;
      expect(lastAck).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL - 1);

      const store = new EmbeddedMetricStore(database.db as Kysely<MetricsTables>);
      const read = await store.select([{ name: '__name__', op: '=', value: 'kill_test' }], KILL_TEST_T0, KILL_TEST_T0 + 10_000_000);
      expect(read).toHaveLength(KILL_TEST_SERIES);
      for (const s of read) {
        const i = Number(s.labels.series);
        // Every acknowledged round is there; the round in flight at the kill may or may not be, never in part.
        expect(s.samples.length).toBeGreaterThanOrEqual(lastAck + 1);
        expect(s.samples.slice(0, lastAck + 1)).toEqual(
          Array.from({ length: lastAck + 1 }, (_, r) => [KILL_TEST_T0 + r * 1000, r * 0.25 + i]),
        );
      }
      expect(new Set(read.map((s) => s.samples.length)).size).toBe(1);
      // The store goes on where the killed one stopped.
      const next = read[0]?.samples.length as number;
      const result = await store.append([{ labels: { __name__: 'kill_test', series: '0' }, t: KILL_TEST_T0 + next * 1000, v: 1 }]);
      expect(result).toEqual({ appended: 1, duplicates: 0, rejected: [] });
    }, 90_000);
  });
}
