import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database';
import { CI_COLUMNS, type CiDocumentRow, type CiRow, ciDocumentColumns } from './ci.mapper';
import { tagsOfCi } from './ci.repository';
import type { InventoryTables } from './inventory.tables';

/** Which CIs a list, an export or a bulk operation is about. Every present condition must hold. */
export interface CiFilter {
  types?: string[];
  statuses?: string[];
  environment?: string;
  criticality?: string;
  ownerTeamId?: string;
  locationId?: string;
  tag?: string;
  /** Search terms, each already split into its words (letters and digits only); every term must match. */
  search?: string[][];
  /** `attr.<key>=value`: the attribute (or any element of it, when it is an array) equals the value as text. */
  attributes?: Array<[key: string, value: string]>;
  /** `cf.<key>=value`, as for attributes. */
  customFields?: Array<[key: string, value: string]>;
}

/** A sortable column and its direction. Ties are broken by id in the same direction, so the order is total. */
export interface CiSort {
  column: 'name' | 'updated_at' | 'created_at';
  direction: 'asc' | 'desc';
}

/** A CI row as lists read it: every column but `search_text`, which is large and never presented. */
/** A listed CI: its presented columns and its tags (JSON, see `tagsOfCi`). */
export type CiListRow = CiRow & { tags: unknown };

type CisBuilder = ExpressionBuilder<InventoryTables, 'cis'>;

/**
 * SQL for reading CIs in bulk: filtered, searched, sorted keyset pages, their tags in one query, the ids a filter
 * matches, and the attribute keys present. Both dialects; full-text search uses migration 0003's FTS5 table on SQLite
 * and its indexed `search_fts` tsvector column on PostgreSQL.
 */
export class CiListRepository {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * One page in `sort` order, starting after `after` (the sort value and id of the previous page's last row).
   * Reads `limit + 1` rows so the caller knows whether another page follows. One statement.
   */
  async page(
    filter: CiFilter,
    sort: CiSort,
    limit: number,
    after: { value: string | number; id: string } | undefined,
    db: Kysely<InventoryTables> = this.db,
  ): Promise<CiListRow[]> {
    return this.pageQuery(db, filter, sort, limit, after).select(CI_COLUMNS).execute() as Promise<CiListRow[]>;
  }

  /** {@link page} with the rows as `ciDocument` reads them (JSON columns as text). One statement. */
  async documentPage(
    filter: CiFilter,
    sort: CiSort,
    limit: number,
    after: { value: string | number; id: string } | undefined,
  ): Promise<CiDocumentRow[]> {
    return this.pageQuery(this.db, filter, sort, limit, after).select(ciDocumentColumns()).execute() as Promise<never>;
  }

  private pageQuery(
    db: Kysely<InventoryTables>,
    filter: CiFilter,
    sort: CiSort,
    limit: number,
    after: { value: string | number; id: string } | undefined,
  ) {
    const op = sort.direction === 'asc' ? '>' : '<';
    return db
      .selectFrom('cis')
      .select(tagsOfCi(this.dialect))
      .where((eb) => eb.and(this.conditions(eb, filter)))
      .$if(after !== undefined, (q) => q.where((eb) => eb(eb.refTuple(sort.column, 'id'), op, eb.tuple(after!.value as never, after!.id))))
      .orderBy(sort.column, sort.direction)
      .orderBy('id', sort.direction)
      .limit(limit);
  }

  /** The tags of every given CI, in one statement; CIs without tags are absent from the map. */
  async tagsOf(ids: readonly string[], db: Kysely<InventoryTables> = this.db): Promise<Map<string, string[]>> {
    const tags = new Map<string, string[]>();
    // Guard against running an invalid `in ()` query for an empty page.
    if (ids.length === 0) return tags;
    const rows = await db.selectFrom('ci_tags').select(['ci_id', 'tag']).where('ci_id', 'in', ids).execute();
    for (const row of rows) {
      const list = tags.get(row.ci_id);
      if (list) list.push(row.tag);
      else tags.set(row.ci_id, [row.tag]);
    }
    return tags;
  }

  /** The ids matching `filter`, oldest first, at most `max` (read `max + 1` to learn that there are more). */
  async idsMatching(filter: CiFilter, max: number, db: Kysely<InventoryTables> = this.db): Promise<string[]> {
    const rows = await db
      .selectFrom('cis')
      .select('id')
      .where((eb) => eb.and(this.conditions(eb, filter)))
      .orderBy('id')
      .limit(max)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Which of `ids` exist, in one statement. */
  async existing(ids: readonly string[], db: Kysely<InventoryTables> = this.db): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('cis').select('id').where('id', 'in', ids).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /**
   * The top-level keys of `attributes` (or `custom_fields`) over every CI matching `filter`, sorted. Scans the
   * filtered set once; for exports, not for pages.
   */
  async keysPresent(filter: CiFilter, column: 'attributes' | 'custom_fields'): Promise<string[]> {
    const base = this.db.selectFrom('cis').where((eb) => eb.and(this.conditions(eb, filter)));
    const rows =
      this.dialect === 'sqlite'
        ? await base
            .innerJoin(sql<{ key: string }>`json_each(${sql.ref(`cis.${column}`)})`.as('j'), (join) => join.onTrue())
            .select(sql<string>`j.key`.as('key'))
            .distinct()
            .execute()
        : await base
            .innerJoin(sql<{ key: string }>`jsonb_object_keys(${sql.ref(`cis.${column}`)})`.as('j'), (join) => join.onTrue())
            .where(sql<SqlBool>`jsonb_typeof(${sql.ref(`cis.${column}`)}) = 'object'`)
            .select(sql<string>`j`.as('key'))
            .distinct()
            .execute();
    return rows.map((r) => String(r.key)).sort();
  }

  /** The WHERE conditions of a filter (an empty list matches every CI). Columns are qualified: exports join. */
  private conditions(eb: CisBuilder, filter: CiFilter): Expression<SqlBool>[] {
    const out: Expression<SqlBool>[] = [];
    // One value compares with `=`: SQLite then walks the (type, name) index in sort order instead of sorting.
    if (filter.types?.length === 1) out.push(eb('cis.type', '=', filter.types[0] as string));
    else if (filter.types?.length) out.push(eb('cis.type', 'in', filter.types));
    if (filter.statuses?.length === 1) out.push(eb('cis.status', '=', filter.statuses[0] as string));
    else if (filter.statuses?.length) out.push(eb('cis.status', 'in', filter.statuses));
    if (filter.environment !== undefined) out.push(eb('cis.environment', '=', filter.environment));
    if (filter.criticality !== undefined) out.push(eb('cis.criticality', '=', filter.criticality));
    if (filter.ownerTeamId !== undefined) out.push(eb('cis.owner_team_id', '=', filter.ownerTeamId));
    if (filter.locationId !== undefined) out.push(eb('cis.location_id', '=', filter.locationId));
    if (filter.tag !== undefined) {
      const tag = filter.tag;
      out.push(
        eb.exists(eb.selectFrom('ci_tags').select('ci_tags.ci_id').whereRef('ci_tags.ci_id', '=', 'cis.id').where('ci_tags.tag', '=', tag)),
      );
    }
    if (filter.search?.length) out.push(this.searchCondition(filter.search));
    for (const [key, value] of filter.attributes ?? []) out.push(this.jsonCondition('attributes', key, value));
    for (const [key, value] of filter.customFields ?? []) out.push(this.jsonCondition('custom_fields', key, value));
    return out;
  }

  /**
   * Full-text match of every term, the last word of each as a prefix. Terms hold only letters and digits (the
   * service splits them so), and each is still quoted as one phrase, so no FTS or tsquery syntax reaches the engine.
   */
  private searchCondition(terms: string[][]): Expression<SqlBool> {
    if (this.dialect === 'sqlite') {
      const match = terms.map((words) => `"${words.join(' ').replaceAll('"', '""')}"*`).join(' ');
      return sql<SqlBool>`cis.rowid in (select rowid from cis_fts where cis_fts match ${match})`;
    }
    const quote = (w: string) => `'${w.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
    const tsquery = terms
      .map((words) => words.map((w, i) => (i === words.length - 1 ? `${quote(w)}:*` : quote(w))).join(' <-> '))
      .join(' & ');
    // A plain predicate on the stored tsvector: the planner picks the GIN index for rare terms and walks the sort
    // index for common ones (cheap, as rechecks read the stored vector instead of re-parsing the text).
    return sql<SqlBool>`cis.search_fts @@ to_tsquery('simple'::regconfig, ${tsquery})`;
  }

  /**
   * The JSON value at `key` equals `value` as text (`true`, `42`, `10.0.0.5`), or, for an array, one of its
   * elements does. `key` is a parameter on PostgreSQL and a quoted JSON path member on SQLite (the service allows
   * only letters, digits, `_` and `-` in keys).
   */
  private jsonCondition(column: 'attributes' | 'custom_fields', key: string, value: string): Expression<SqlBool> {
    const ref = sql.ref(`cis.${column}`);
    if (this.dialect === 'sqlite') {
      const path = `$."${key}"`;
      return sql<SqlBool>`exists (select 1 from json_each(${ref}, ${path}) j where (case j.type when 'true' then 'true' when 'false' then 'false' else cast(j.value as text) end) = ${value})`;
    }
    const at = sql`(${ref} -> cast(${key} as text))`;
    return sql<SqlBool>`exists (select 1 from jsonb_array_elements_text(case jsonb_typeof(${at}) when 'array' then ${at} else jsonb_build_array(${at}) end) e where e = ${value})`;
  }
}
