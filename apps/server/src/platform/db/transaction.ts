import type { Kysely } from 'kysely';
import { problems } from '../http/problem';
import { isUniqueViolation } from './db-errors';

/** What {@link withTransaction} does besides running the work. */
export interface TransactionOptions {
  /**
   * When given, a unique-constraint violation raised by the work (a concurrent writer won the race for a unique
   * name or key) is thrown as a 409 Conflict problem with this detail (or the detail it returns for the database
   * error, when several unique indexes may refuse the work) instead of the database error.
   */
  conflict?: string | ((error: unknown) => string);
}

/**
 * Runs `fn` in a transaction: in `db` itself when `db` is already an open transaction (a service built over its
 * caller's transaction, such as an import's batch, then commits or rolls back with that caller), otherwise in a new
 * one that commits when `fn` resolves and rolls back when it throws. With `options.conflict`, a unique violation
 * becomes a 409 problem (see {@link TransactionOptions}); every other error is rethrown as it is. On PostgreSQL a
 * violation inside a joined transaction still aborts that outer transaction, so its owner must let the error out.
 */
// biome-ignore lint/suspicious/noExplicitAny: any module's typed handle; `fn` is handed the same type back.
export async function withTransaction<Db extends Kysely<any>, T>(
  db: Db,
  fn: (trx: Db) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  try {
    // A transaction of a `Kysely<X>` is a `Transaction<X>`, which is a `Kysely<X>`: the same type `fn` was promised.
    return await (db.isTransaction ? fn(db) : db.transaction().execute((trx) => fn(trx as unknown as Db)));
  } catch (error) {
    if (options.conflict !== undefined && isUniqueViolation(error)) {
      throw problems.conflict(typeof options.conflict === 'string' ? options.conflict : options.conflict(error));
    }
    throw error;
  }
}
