import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * How PostgreSQL turns `search_text` into the stored, indexed `cis.search_fts` tsvector: every run of
 * non-alphanumeric characters becomes one space, then the `simple` configuration. Splitting on punctuation the way
 * SQLite's unicode61 tokenizer does keeps search behaving the same on both engines (`10.0.0.5` is the phrase
 * `10 0 0 5`).
 */
const PG_SEARCH_VECTOR = `to_tsvector('simple'::regconfig, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g'))`;

/**
 * Full-text search over CIs, and the index the createdAt sort needs.
 *
 * SQLite: an external-content FTS5 table `cis_fts` over `cis.search_text`, keyed by the rowid of `cis` and kept in
 * step by triggers, so every writer (services, discovery, restore) keeps it current. It holds no copy of the text.
 * `VACUUM` may renumber the implicit rowids of `cis`; after one, `insert into cis_fts(cis_fts) values('rebuild')`
 * re-indexes. PostgreSQL: a stored generated tsvector column `search_fts` (so phrase rechecks read it rather than
 * re-parse the text of every candidate row) with a GIN index. Backups skip generated columns; restore recomputes it.
 *
 * Objects named `*_fts*` exist on one engine only; the cross-engine schema test leaves them out by that name.
 */
export const inventorySearch: EstateMigration = (dialect) => ({
  async up(db: AnyDb) {
    await db.schema.createIndex('cis_created_idx').on('cis').columns(['created_at', 'id']).execute();
    if (dialect === 'postgres') {
      await sql.raw(`alter table cis add column search_fts tsvector generated always as (${PG_SEARCH_VECTOR}) stored`).execute(db);
      await sql.raw('create index cis_fts_gin on cis using gin (search_fts)').execute(db);
      return;
    }
    await sql
      .raw(
        `create virtual table cis_fts using fts5(search_text, content='cis', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
      )
      .execute(db);
    await sql
      .raw(`create trigger cis_fts_ai after insert on cis begin
        insert into cis_fts(rowid, search_text) values (new.rowid, new.search_text);
      end`)
      .execute(db);
    await sql
      .raw(`create trigger cis_fts_ad after delete on cis begin
        insert into cis_fts(cis_fts, rowid, search_text) values ('delete', old.rowid, old.search_text);
      end`)
      .execute(db);
    await sql
      .raw(`create trigger cis_fts_au after update of search_text on cis begin
        insert into cis_fts(cis_fts, rowid, search_text) values ('delete', old.rowid, old.search_text);
        insert into cis_fts(rowid, search_text) values (new.rowid, new.search_text);
      end`)
      .execute(db);
    // Rows written before this migration (a restored older backup, an upgraded store).
    await sql.raw(`insert into cis_fts(cis_fts) values ('rebuild')`).execute(db);
  },
});
