/**
 * Child process for the kill test (embedded-metric-store.kill.test.ts): appends one sample to each of 20 series per
 * call, round after round, and prints `ack <round>` once each call has resolved, until it is killed.
 * Environment: KILL_TEST_DIALECT (sqlite|postgres), KILL_TEST_LOCATION (SQLite file or PostgreSQL URL).
 */
import type { Kysely } from 'kysely';
import { openDatabase } from '../../../platform/db/database';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore } from './embedded-metric-store';

export const KILL_TEST_SERIES = 20;
export const KILL_TEST_T0 = 1_704_110_400_000;

const location = process.env.KILL_TEST_LOCATION as string;
if (location) {
  const database = await openDatabase(
    process.env.KILL_TEST_DIALECT === 'postgres' ? { databaseUrl: location, poolSize: 2 } : { sqliteFile: location },
  );
  const store = new EmbeddedMetricStore(database.db as Kysely<MetricsTables>);
  for (let round = 0; ; round++) {
    const samples = Array.from({ length: KILL_TEST_SERIES }, (_, i) => ({
      labels: { __name__: 'kill_test', series: String(i) },
      t: KILL_TEST_T0 + round * 1000,
      v: round * 0.25 + i,
    }));
    await store.append(samples);
    process.stdout.write(`ack ${round}\n`);
  }
}
