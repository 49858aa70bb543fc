import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * PostgreSQL only: every update or delete of a user, an API token or a session sends `NOTIFY estate_auth` with the
 * user's id (on commit, so a rolled-back change says nothing). Each process keeps the credentials it has resolved in
 * memory only while it listens on that channel, and forgets a user's entries when told (ADR 0012). A trigger rather
 * than calls in the code, so that no writer (another release, the CLI, an admin's psql) can change a credential
 * without every process hearing of it. SQLite stores are single-process and keep no such cache.
 */
export const authChangeNotify: EstateMigration = (dialect) => ({
  async up(db: AnyDb) {
    if (dialect !== 'postgres') return;
    // One function per column that names the user: `id` on users, `user_id` on their credentials.
    const notifier = (name: string, column: string) =>
      sql`create function ${sql.id(name)}() returns trigger language plpgsql as $$
        begin
          perform pg_notify('estate_auth', case when tg_op = 'DELETE' then old.${sql.id(column)} else new.${sql.id(column)} end);
          return null;
        end $$`.execute(db);
    await notifier('estate_user_changed', 'id');
    await notifier('estate_user_credential_changed', 'user_id');
    await sql`
      create function estate_auth_truncated() returns trigger language plpgsql as $$
      begin
        perform pg_notify('estate_auth', '*');
        return null;
      end $$`.execute(db);
    await sql`create trigger users_auth_notify after update or delete on users for each row execute function estate_user_changed()`.execute(
      db,
    );
    for (const table of ['api_tokens', 'sessions']) {
      await sql`create trigger ${sql.id(`${table}_auth_notify`)} after update or delete on ${sql.table(table)} for each row execute function estate_user_credential_changed()`.execute(
        db,
      );
    }
    for (const table of ['users', 'api_tokens', 'sessions']) {
      await sql`create trigger ${sql.id(`${table}_auth_truncate_notify`)} after truncate on ${sql.table(table)} for each statement execute function estate_auth_truncated()`.execute(
        db,
      );
    }
  },
});
