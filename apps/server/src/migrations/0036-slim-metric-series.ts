import { sql } from 'kysely';
import { moveAgentSamplesIntoStore } from './0021-agent-samples-into-store';
import type { AnyDb, ColumnTypes, EstateMigration } from './types';

/** True when `agent_samples` (migration 0006) is still there: the install had not run 0021 before it became a no-op. */
async function agentSamplesLeft(db: AnyDb, dialect: string): Promise<boolean> {
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ found: boolean }>`select to_regclass('agent_samples') is not null as found`.execute(db)
      : await sql<{
          found: number;
        }>`select count(*) > 0 as found from sqlite_schema where type = 'table' and name = 'agent_samples'`.execute(db);
  return Boolean(rows[0]?.found);
}

/**
 * Makes the embedded metric store's series index smaller on disk (ADR 0017, "Disk"), on both engines:
 *
 * - `metric_series_labels` is dropped: a row per series and label, and its (name, value) index, which nothing reads
 *   since the series index lives in memory (ADR 0026) and is loaded from `metric_series`' canonical texts, which hold
 *   the same labels.
 * - `metric_series.metric` is dropped: the canonical text starts with the metric name.
 * - `metric_series.fingerprint` becomes its 16 bytes (blob / bytea) instead of 32 hex characters, in the column and
 *   in its unique index; existing rows are converted.
 *
 * On SQLite the table is rebuilt (a column with a UNIQUE constraint cannot change type in place), with foreign keys
 * off meanwhile so the chunk, rollup and late-mark rows that reference it are not cascaded away by the drop, and
 * checked before the transaction commits. The pages freed go back to the file system by the store's own reclaim of
 * free pages (migration 0025, `metric-compaction.ts`).
 *
 * Then, where `agent_samples` is still there, its samples are moved into the store (what 0021 did before it became a
 * no-op: the move writes through the store's current code, which needs the tables as this migration leaves them).
 */
export const slimMetricSeries: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    if (dialect === 'postgres') {
      await db.schema.dropTable('metric_series_labels').execute();
      await db.schema.alterTable('metric_series').dropColumn('metric').execute();
      await sql`alter table metric_series alter column fingerprint type bytea using decode(fingerprint, 'hex')`.execute(db);
    } else await rebuildOnSqlite(db, t);
    if (await agentSamplesLeft(db, dialect)) await moveAgentSamplesIntoStore(db);
  },
});

/** The SQLite side: the label table dropped, metric_series rebuilt without `metric` and with a binary fingerprint. */
async function rebuildOnSqlite(db: AnyDb, t: ColumnTypes): Promise<void> {
  // Foreign keys can only be switched outside a transaction (Kysely runs SQLite migrations outside one).
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await trx.schema.dropTable('metric_series_labels').execute();
      await trx.schema
        .createTable('metric_series_next')
        .addColumn('id', sql.raw('integer'), (c) => c.primaryKey().notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'blob', (c) => c.notNull().unique())
        .addColumn('created_at', t.bigint, (c) => c.notNull())
        .execute();
      await sql`insert into metric_series_next (id, labels, fingerprint, created_at)
          select id, labels, unhex(fingerprint), created_at from metric_series`.execute(trx);
      await trx.schema.dropTable('metric_series').execute();
      await trx.schema.alterTable('metric_series_next').renameTo('metric_series').execute();
      const { rows } = await sql`pragma foreign_key_check`.execute(trx);
      if (rows.length > 0)
        throw new Error(`rows reference missing series after rebuilding metric_series: ${JSON.stringify(rows.slice(0, 5))}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
