import type { AnyDb, EstateMigration } from './types';

/**
 * The scheduler's claims (platform/scheduler): one row per periodic task, holding when it is next due. A process
 * runs a task only after moving `next_run_at` forward with a conditional update, so on a shared PostgreSQL store
 * each period's run happens in exactly one process, however many run the scheduler role.
 */
export const schedules: EstateMigration = (_dialect, types) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('schedules')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull())
      .addColumn('next_run_at', types.bigint, (c) => c.notNull())
      .addColumn('last_run_at', types.bigint)
      .addColumn('last_run_by', 'text')
      .addColumn('last_error', 'text')
      .execute();
  },
});
