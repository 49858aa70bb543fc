import type { AnyDb, EstateMigration } from './types';

/**
 * Monitoring past one process (issue 14): the checks are split into a fixed number of shards by a hash of their id,
 * and each shard is leased to one worker process at a time. `check_workers` lists the processes that run checks and
 * until when each said it is alive, so every worker can work out its fair share; `check_shards` holds one row per
 * shard with its holder and the lease's expiry (0 when nobody holds it), written by the first worker that finds the
 * table empty.
 */
export const checkShards: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('check_workers')
      .addColumn('worker_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', t.bigint, (c) => c.notNull())
      .addColumn('alive_until', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('check_shards')
      .addColumn('shard', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('worker_id', 'text')
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('moves', 'integer', (c) => c.notNull())
      .execute();
  },
});
