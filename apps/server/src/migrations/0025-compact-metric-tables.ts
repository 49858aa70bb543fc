import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/** A metric table rebuilt on SQLite: its columns in order, the key that becomes the table itself, its other indexes. */
interface Rebuild {
  table: string;
  create(db: AnyDb, name: string): ReturnType<AnyDb['schema']['createTable']>;
  columns: string[];
  indexes: Array<{ name: string; columns: string[] }>;
}

/**
 * Makes the metric store smaller on disk on SQLite (ADR 0017, "Disk"); nothing changes on PostgreSQL, whose tables
 * have no hidden row id and whose free space autovacuum reuses.
 *
 * - `metric_series_labels` becomes a WITHOUT ROWID table: it was a rowid table *and* a separate index of its
 *   composite primary key, so every row's key was stored twice (and a row id besides). Same columns, key and other
 *   index as before, so no query changes. `metric_chunks` (large rows rewritten at every checkpoint) and
 *   `metric_rollup_late` (upserted by every append of history) stay rowid tables: as WITHOUT ROWID tables they made
 *   appends measurably slower (1.5–2× loading a day of history), for keys that are a small share of their rows.
 * - `auto_vacuum = INCREMENTAL`, set by the VACUUM that follows (the only way to switch an existing file): the store
 *   can then hand free pages back to the file system (`metric-compaction.ts`) instead of keeping the file at its
 *   high-water mark for ever. The VACUUM rewrites the file once, so the upgrade takes about as long as copying it.
 */
export const compactMetricTables: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    if (dialect !== 'sqlite') return;
    const rebuilds: Rebuild[] = [
      {
        table: 'metric_series_labels',
        create: (d, name) =>
          d.schema
            .createTable(name)
            .addColumn('series_id', t.bigint, (c) => c.notNull().references('metric_series.id').onDelete('cascade'))
            .addColumn('name', 'text', (c) => c.notNull())
            .addColumn('value', 'text', (c) => c.notNull())
            .addPrimaryKeyConstraint('metric_series_labels_pk', ['series_id', 'name']),
        columns: ['series_id', 'name', 'value'],
        indexes: [{ name: 'metric_series_labels_name_value_idx', columns: ['name', 'value'] }],
      },
    ];
    // One transaction for the rebuilds: a failure leaves the old tables as they were (Kysely runs SQLite migrations
    // outside one).
    await db.transaction().execute(async (trx) => {
      for (const r of rebuilds) {
        const next = `${r.table}_next`;
        await r.create(trx, next).modifyEnd(sql`without rowid`).execute();
        await trx.insertInto(next).columns(r.columns).expression(trx.selectFrom(r.table).select(r.columns)).execute();
        await trx.schema.dropTable(r.table).execute();
        await trx.schema.alterTable(next).renameTo(r.table).execute();
        for (const index of r.indexes) await trx.schema.createIndex(index.name).on(r.table).columns(index.columns).execute();
      }
    });
    await sql`pragma auto_vacuum = incremental`.execute(db);
    await sql`vacuum`.execute(db);
  },
});
