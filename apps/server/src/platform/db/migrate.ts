import { type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Database } from './database';

/**
 * Applies every pending migration. Kysely takes a lock first (a PostgreSQL advisory lock held for the migration
 * transaction; SQLite's single writer), so concurrent starts of several processes migrate exactly once.
 * Throws with the failing migration's name; nothing of a failed migration stays applied on PostgreSQL.
 */
export async function migrateToLatest(database: Database, migrations: Record<string, Migration>): Promise<string[]> {
  // Kysely looks for its own tables across every schema on PostgreSQL; pin them to the schema we run in.
  const schema =
    database.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db: database.db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'estate_migrations',
    migrationLockTableName: 'estate_migrations_lock',
  });
  let result: MigrationResultSet = await migrator.migrateToLatest();
  // Kysely's table check reads the catalog of every schema; a schema, table or column dropped meanwhile by another
  // process fails that read (3F000, 42P01, or 42703 from pg_get_serial_sequence) without touching ours. Only a
  // failure before any migration ran is such a race. Migrations run in one transaction on PostgreSQL, so a failed
  // run left nothing behind and can simply be tried again.
  const catalogRace = (run: MigrationResultSet) =>
    !run.results?.some((r) => r.status === 'Error') &&
    ['3F000', '42P01', '42703'].includes((run.error as { code?: string } | undefined)?.code ?? '');
  for (let attempt = 0; attempt < 5 && database.dialect === 'postgres' && catalogRace(result); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
