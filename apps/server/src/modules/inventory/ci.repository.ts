import type { Ci } from '@estate/contract';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { BatchLoader } from '../../platform/db/batch-loader';
import { type Dialect, readJson } from '../../platform/db/database';
import { reusePlan } from '../../platform/db/prepared-client';
import { CI_COLUMNS, type CiDocumentRow, ciDocument, ciDocumentColumns, searchTextOf, toCi } from './ci.mapper';
import type { IdentifierHolder, IdentifierKeys } from './ci-identifiers';
import type { CisTable, InventoryTables } from './inventory.tables';

/** The row a CI is stored as, with its search text rebuilt from the values. */
function toRow(ci: Ci): CisTable {
  return {
    id: ci.id,
    type: ci.type,
    name: ci.name,
    status: ci.status,
    environment: ci.environment,
    criticality: ci.criticality,
    owner_team_id: ci.ownerTeamId,
    location_id: ci.locationId,
    serial: ci.serial,
    asset_tag: ci.assetTag,
    manufacturer: ci.manufacturer,
    model: ci.model,
    purchase_date: ci.purchaseDate,
    warranty_end: ci.warrantyEnd,
    end_of_life: ci.endOfLife,
    monthly_cost: ci.monthlyCost,
    attributes: JSON.stringify(ci.attributes),
    custom_fields: JSON.stringify(ci.customFields),
    provenance: JSON.stringify(ci.provenance),
    search_text: searchTextOf(ci),
    first_seen: ci.firstSeen,
    last_seen: ci.lastSeen,
    created_at: ci.createdAt,
    updated_at: ci.updatedAt,
    version: ci.version,
  };
}

/** SQL for single CIs and their tags (the list and search live in ci-list.*). Both engines. */
/**
 * A `tags` column of a CI query: the CI's tags as a JSON array, aggregated in a subquery so a CI (or a page of
 * them) is read with its tags in one statement.
 */
export function tagsOfCi(dialect: Dialect) {
  return dialect === 'postgres'
    ? sql<unknown>`(select coalesce(json_agg(t.tag), '[]'::json) from ci_tags t where t.ci_id = cis.id)`.as('tags')
    : sql<unknown>`(select json_group_array(t.tag) from ci_tags t where t.ci_id = cis.id)`.as('tags');
}

/** Reads the `tags` column of {@link tagsOfCi}. */
export function readTags(value: unknown, dialect: Dialect): string[] {
  return readJson<string[] | null>(value, dialect) ?? [];
}

export class CiRepository {
  private documentSql: string | undefined;
  private documentsSql: string | undefined;
  private readonly documents = new BatchLoader<string, CiDocumentRow>((ids) => this.fetchDocuments(ids));

  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /** A CI with its tags, in one statement. */
  async get(id: string, db: Kysely<InventoryTables> = this.db): Promise<Ci | undefined> {
    const row = await db.selectFrom('cis').select(CI_COLUMNS).select(tagsOfCi(this.dialect)).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return toCi(row, readTags(row.tags, this.dialect), this.dialect);
  }

  /**
   * A CI as its JSON document (see `ciDocument`) and its version, or undefined. The hot path of single reads: the
   * SQL is compiled once and then run with the id as its only parameter. On PostgreSQL, reads that arrive in one
   * turn of the event loop share one statement (see `BatchLoader`); SQLite answers in-process and needs no batching.
   */
  async getDocument(id: string): Promise<{ json: string; version: number } | undefined> {
    const row = this.dialect === 'postgres' ? await this.documents.load(id) : await this.fetchDocument(id);
    return row ? { json: ciDocument(row, this.dialect), version: Number(row.version) } : undefined;
  }

  private async fetchDocument(id: string): Promise<CiDocumentRow | undefined> {
    this.documentSql ??= reusePlan(
      this.db.selectFrom('cis').select(ciDocumentColumns()).select(tagsOfCi(this.dialect)).where('id', '=', '').compile().sql,
    );
    return (await this.db.executeQuery<CiDocumentRow>(CompiledQuery.raw(this.documentSql, [id]))).rows[0];
  }

  /** PostgreSQL: the documents of several CIs in one statement (one alone goes through the single-key plan). */
  private async fetchDocuments(ids: string[]): Promise<Map<string, CiDocumentRow>> {
    if (ids.length === 1) {
      const row = await this.fetchDocument(ids[0] as string);
      return new Map(row ? [[row.id, row]] : []);
    }
    this.documentsSql ??= reusePlan(
      this.db
        .selectFrom('cis')
        .select(ciDocumentColumns())
        .select(tagsOfCi(this.dialect))
        .where(sql<boolean>`"cis"."id" = any(cast(${''} as text[]))`)
        .compile().sql,
    );
    const result = await this.db.executeQuery<CiDocumentRow>(CompiledQuery.raw(this.documentsSql, [ids]));
    return new Map(result.rows.map((row) => [row.id, row]));
  }

  /** The types of the given CIs, by id; ids that do not exist are absent. One statement. */
  async typesOf(ids: readonly string[], db: Kysely<InventoryTables> = this.db): Promise<Map<string, string>> {
    // Guard against running an invalid `in ()` query when the list is empty.
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('cis')
      .select(['id', 'type'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.type]));
  }

  /** Whether another CI of `type` already has `name`. */
  async nameTaken(db: Kysely<InventoryTables>, type: string, name: string, exceptId?: string): Promise<boolean> {
    let q = db.selectFrom('cis').select('id').where('type', '=', type).where('name', '=', name);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }

  /** Whether any CI names `id` as its owner or location. */
  async isReferenced(db: Kysely<InventoryTables>, id: string): Promise<boolean> {
    const row = await db
      .selectFrom('cis')
      .select('id')
      .where((eb) => eb.or([eb('owner_team_id', '=', id), eb('location_id', '=', id)]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The CIs other than `exceptId` that hold the serial key or the asset tag key of `keys` (one statement). A CI
   * holds a value when its key column has it; legacy duplicates left un-indexed hold nothing.
   */
  async identifierHolders(
    db: Kysely<InventoryTables>,
    keys: Pick<IdentifierKeys, 'serialKey' | 'assetTagKey'>,
    exceptId?: string,
  ): Promise<Array<IdentifierHolder & IdentifierKeys>> {
    if (keys.serialKey === null && keys.assetTagKey === null) return [];
    let q = db
      .selectFrom('cis')
      .select(['id', 'type', 'name', 'serial', 'manufacturer', 'asset_tag', 'serial_key', 'serial_maker', 'asset_tag_key'])
      .where((eb) =>
        eb.or([
          ...(keys.serialKey === null ? [] : [eb('serial_key', '=', keys.serialKey)]),
          ...(keys.assetTagKey === null ? [] : [eb('asset_tag_key', '=', keys.assetTagKey)]),
        ]),
      );
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      serial: r.serial,
      manufacturer: r.manufacturer,
      assetTag: r.asset_tag,
      serialKey: r.serial_key ?? null,
      serialMaker: r.serial_maker ?? null,
      assetTagKey: r.asset_tag_key ?? null,
    }));
  }

  /** Inserts a CI with the identifier keys it holds. */
  async insert(db: Kysely<InventoryTables>, ci: Ci, keys: IdentifierKeys): Promise<void> {
    await db
      .insertInto('cis')
      .values({ ...toRow(ci), serial_key: keys.serialKey, serial_maker: keys.serialMaker, asset_tag_key: keys.assetTagKey })
      .execute();
    if (ci.tags.length > 0)
      await db
        .insertInto('ci_tags')
        .values(ci.tags.map((tag) => ({ ci_id: ci.id, tag })))
        .execute();
  }

  /** Sets `last_seen` to `at` unless it is already as late; no other column, not the version. */
  async markSeen(db: Kysely<InventoryTables>, id: string, at: number): Promise<void> {
    await db
      .updateTable('cis')
      .set({ last_seen: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_seen', 'is', null), eb('last_seen', '<', at)]))
      .execute();
  }

  /**
   * Writes every column of `ci` when the stored version is still `expectedVersion`; false when someone else changed
   * it first. Tags are replaced only when `tagsChanged`; identifier keys only those given in `keys` (a key left out
   * keeps its stored value, so a duplicate left un-indexed stays so while its value does not change).
   */
  async update(
    db: Kysely<InventoryTables>,
    ci: Ci,
    expectedVersion: number,
    tagsChanged: boolean,
    keys: Partial<IdentifierKeys> = {},
  ): Promise<boolean> {
    const { id: _, ...row } = toRow(ci);
    const set = {
      ...row,
      ...(keys.serialKey !== undefined ? { serial_key: keys.serialKey, serial_maker: keys.serialMaker ?? null } : {}),
      ...(keys.assetTagKey !== undefined ? { asset_tag_key: keys.assetTagKey } : {}),
    };
    const result = await db.updateTable('cis').set(set).where('id', '=', ci.id).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    if (tagsChanged) {
      await db.deleteFrom('ci_tags').where('ci_id', '=', ci.id).execute();
      if (ci.tags.length > 0)
        await db
          .insertInto('ci_tags')
          .values(ci.tags.map((tag) => ({ ci_id: ci.id, tag })))
          .execute();
    }
    return true;
  }

  /** Deletes a CI at `expectedVersion` (tags and relationships cascade); false when it changed or is gone. */
  async delete(db: Kysely<InventoryTables>, id: string, expectedVersion: number): Promise<boolean> {
    const result = await db.deleteFrom('cis').where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
