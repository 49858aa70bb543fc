/*
 * One number that changes whenever a silence, a maintenance window or the routing configuration changes, kept in
 * `system_state` and bumped in the transaction of the change: a dispatcher in any process polls it with one
 * primary-key read and reloads only when it moved.
 */
import { type Kysely, sql } from 'kysely';
import type { SuppressionTables } from './suppression.tables';

const KEY = 'alerting.suppression_revision';

/** Moves the revision on by one, atomically (concurrent writers each count). */
export async function bumpRevision(trx: Kysely<SuppressionTables>, now: number): Promise<void> {
  await trx
    .insertInto('system_state')
    .values({ key: KEY, value: '0', updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  await trx
    .updateTable('system_state')
    .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)`, updated_at: now })
    .where('key', '=', KEY)
    .execute();
}

/** The current revision; 0 before the first change. */
export async function readRevision(db: Kysely<SuppressionTables>): Promise<number> {
  const row = await db.selectFrom('system_state').select('value').where('key', '=', KEY).executeTakeFirst();
  return row ? Number(row.value) : 0;
}
