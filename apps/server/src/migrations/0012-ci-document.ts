import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/** The fields of a CI before `monthlyCost`, in document order: JSON name, column. */
const CI_HEAD_FIELDS = [
  ['id', 'id'],
  ['type', 'type'],
  ['name', 'name'],
  ['status', 'status'],
  ['environment', 'environment'],
  ['criticality', 'criticality'],
  ['ownerTeamId', 'owner_team_id'],
  ['locationId', 'location_id'],
  ['serial', 'serial'],
  ['assetTag', 'asset_tag'],
  ['manufacturer', 'manufacturer'],
  ['model', 'model'],
  ['purchaseDate', 'purchase_date'],
  ['warrantyEnd', 'warranty_end'],
  ['endOfLife', 'end_of_life'],
] as const;

/** The fields of a CI after `tags`, in document order: JSON name, column, and whether the column holds JSON. */
const CI_TAIL_FIELDS = [
  ['attributes', 'attributes', true],
  ['customFields', 'custom_fields', true],
  ['provenance', 'provenance', true],
  ['firstSeen', 'first_seen', false],
  ['lastSeen', 'last_seen', false],
  ['createdAt', 'created_at', false],
  ['updatedAt', 'updated_at', false],
  ['version', 'version', false],
] as const;

/**
 * Each CI's API document, kept by the database as two JSON texts beside the row: `document_head`, the fields
 * before `monthlyCost`, and `document_tail`, the fields after `tags` (the float and the tags, which live in another
 * table, are joined in by the reader). A read then presents a CI without converting two dozen columns.
 *
 * PostgreSQL: stored generated columns, written with the row by every writer and never stale. `json_build_object` is
 * declared stable only because some types' output depends on settings; for the text, bigint, integer and jsonb
 * columns given here it does not, so the two wrapper functions are declared immutable, which a generated column
 * needs. A later migration that renames or retypes one of these columns must recreate the columns and functions.
 *
 * SQLite: virtual generated columns with the same names, computed when read (in-process, as cheap as before).
 *
 * Backups skip generated columns on both engines; a restore recomputes them.
 */
export const ciDocument: EstateMigration = (dialect) => ({
  async up(db: AnyDb) {
    const id = (column: string) => `"${column}"`;
    if (dialect === 'postgres') {
      const headArgs = CI_HEAD_FIELDS.map(([, column]) => `${id(column)} text`).join(', ');
      const headPairs = CI_HEAD_FIELDS.map(([name, column]) => `'${name}', ${id(column)}`).join(', ');
      const tailType = (column: string, json: boolean) => (json ? 'jsonb' : column === 'version' ? 'integer' : 'bigint');
      const tailArgs = CI_TAIL_FIELDS.map(([, column, json]) => `${id(column)} ${tailType(column, json)}`).join(', ');
      const tailPairs = CI_TAIL_FIELDS.map(([name, column]) => `'${name}', ${id(column)}`).join(', ');
      await sql
        .raw(`create function estate_ci_document_head(${headArgs}) returns text language sql immutable parallel safe
          as $$ select json_build_object(${headPairs})::text $$`)
        .execute(db);
      await sql
        .raw(`create function estate_ci_document_tail(${tailArgs}) returns text language sql immutable parallel safe
          as $$ select json_build_object(${tailPairs})::text $$`)
        .execute(db);
      const headCall = `estate_ci_document_head(${CI_HEAD_FIELDS.map(([, column]) => id(column)).join(', ')})`;
      const tailCall = `estate_ci_document_tail(${CI_TAIL_FIELDS.map(([, column]) => id(column)).join(', ')})`;
      // One statement, so the table is rewritten once.
      await sql
        .raw(`alter table cis
          add column document_head text generated always as (${headCall}) stored,
          add column document_tail text generated always as (${tailCall}) stored`)
        .execute(db);
      return;
    }
    const head = `json_object(${CI_HEAD_FIELDS.map(([name, column]) => `'${name}', ${id(column)}`).join(', ')})`;
    const tail = `json_object(${CI_TAIL_FIELDS.map(([name, column, json]) => `'${name}', ${json ? `json(${id(column)})` : id(column)}`).join(', ')})`;
    await sql.raw(`alter table cis add column document_head text generated always as (${head}) virtual`).execute(db);
    await sql.raw(`alter table cis add column document_tail text generated always as (${tail}) virtual`).execute(db);
  },
});
