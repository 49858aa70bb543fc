import type { MergeSuggestion, MergeSuggestionCi, MergeSuggestionStatus, Source } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import type { DiscoveryTables } from '../discovery.tables';

/** A merge suggestion row as the service works with it. */
export interface SuggestionRow {
  id: string;
  ciId: string | null;
  otherCiId: string | null;
  reason: string;
  details: Record<string, unknown>;
  status: MergeSuggestionStatus;
}

/** One identifier row of a CI, with its provenance. */
export interface IdentifierRow {
  kind: string;
  value: string;
  source: string;
  seen_at: number;
}

/** One installed package row of a CI, with its provenance. */
export interface SoftwareEntry {
  name: string;
  version: string;
  arch: string;
  source: string;
  seen_at: number;
}

/** A relationship of a CI: its type, both ends and where it came from. */
export interface RelationshipRow {
  id: string;
  type: string;
  source_id: string;
  target_id: string;
  source: string;
}

/** SQL of merge suggestions and of moving a CI's identifiers and software to another CI. Both dialects. */
export class MergeRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Newest first, with both CIs' id, type, name, serial and status (null once deleted); keyset paged by id. */
  async list(
    db: Kysely<DiscoveryTables>,
    query: { status?: MergeSuggestionStatus; limit: number; cursor?: string },
  ): Promise<{ items: MergeSuggestion[]; nextCursor: string | null }> {
    let q = this.presented(db);
    if (query.status !== undefined) q = q.where('m.status', '=', query.status);
    if (query.cursor !== undefined) q = q.where('m.id', '<', String(decodeCursor(query.cursor, 1)[0]));
    const rows = await q
      .orderBy('m.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.id]);
    return { items: page.items.map((r) => this.toSuggestion(r)), nextCursor: page.nextCursor };
  }

  /** One suggestion as `list` presents it, or undefined. */
  async present(db: Kysely<DiscoveryTables>, id: string): Promise<MergeSuggestion | undefined> {
    const row = await this.presented(db).where('m.id', '=', id).executeTakeFirst();
    return row && this.toSuggestion(row);
  }

  private presented(db: Kysely<DiscoveryTables>) {
    return db
      .selectFrom('merge_suggestions as m')
      .leftJoin('cis as a', 'a.id', 'm.ci_id')
      .leftJoin('cis as b', 'b.id', 'm.other_ci_id')
      .select([
        'm.id',
        'm.ci_id',
        'm.other_ci_id',
        'm.reason',
        'm.details',
        'm.status',
        'm.source',
        'm.created_at',
        'm.resolved_at',
        'm.resolved_by',
        'a.type as a_type',
        'a.name as a_name',
        'a.serial as a_serial',
        'a.status as a_status',
        'b.type as b_type',
        'b.name as b_name',
        'b.serial as b_serial',
        'b.status as b_status',
      ]);
  }

  private toSuggestion(r: Awaited<ReturnType<ReturnType<MergeRepository['presented']>['executeTakeFirstOrThrow']>>): MergeSuggestion {
    const end = (id: string | null, type: string | null, name: string | null, serial: string | null, status: string | null) =>
      id === null || type === null || name === null
        ? null
        : ({ id, type, name, serial, status: status as MergeSuggestionCi['status'] } satisfies MergeSuggestionCi);
    return {
      id: r.id,
      status: r.status as MergeSuggestionStatus,
      reason: r.reason,
      details: readJson(r.details, this.dialect),
      source: r.source as Source,
      ci: end(r.ci_id, r.a_type, r.a_name, r.a_serial, r.a_status),
      otherCi: end(r.other_ci_id, r.b_type, r.b_name, r.b_serial, r.b_status),
      createdAt: Number(r.created_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
      resolvedBy: r.resolved_by,
    };
  }

  async get(db: Kysely<DiscoveryTables>, id: string): Promise<SuggestionRow | undefined> {
    const row = await db.selectFrom('merge_suggestions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      ciId: row.ci_id,
      otherCiId: row.other_ci_id,
      reason: row.reason,
      details: (readJson(row.details, this.dialect) ?? {}) as Record<string, unknown>,
      status: row.status as MergeSuggestionStatus,
    };
  }

  /** Ids of open suggestions naming the CI at either end, except `exceptId`. */
  async openInvolving(db: Kysely<DiscoveryTables>, ciId: string, exceptId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('merge_suggestions')
      .select('id')
      .where('status', '=', 'open')
      .where('id', '!=', exceptId)
      .where((eb) => eb.or([eb('ci_id', '=', ciId), eb('other_ci_id', '=', ciId)]))
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Moves open suggestions to `status`; answers how many moved. A suggestion resolved meanwhile is left alone, so
   * the caller can tell a lost race (0) from success.
   */
  async resolve(
    db: Kysely<DiscoveryTables>,
    ids: readonly string[],
    status: 'merged' | 'dismissed',
    at: number,
    userId: string | null,
    details?: Record<string, unknown>,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await db
      .updateTable('merge_suggestions')
      .set({ status, resolved_at: at, resolved_by: userId, ...(details ? { details: JSON.stringify(details) } : {}) })
      .where('id', 'in', [...ids])
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async identifiers(db: Kysely<DiscoveryTables>, ciId: string): Promise<IdentifierRow[]> {
    return db.selectFrom('ci_identifiers').select(['kind', 'value', 'source', 'seen_at']).where('ci_id', '=', ciId).execute();
  }

  /** Gives the CI these identifiers; ones it already holds keep their own provenance. Answers how many were new. */
  async addIdentifiers(db: Kysely<DiscoveryTables>, ciId: string, rows: readonly IdentifierRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const held = new Set((await this.identifiers(db, ciId)).map((r) => `${r.kind}\u0000${r.value}`));
    const fresh = rows.filter((r) => !held.has(`${r.kind}\u0000${r.value}`));
    if (fresh.length > 0)
      await db
        .insertInto('ci_identifiers')
        .values(fresh.map((r) => ({ ci_id: ciId, ...r })))
        .execute();
    return fresh.length;
  }

  async software(db: Kysely<DiscoveryTables>, ciId: string): Promise<SoftwareEntry[]> {
    return db.selectFrom('ci_software').select(['name', 'version', 'arch', 'source', 'seen_at']).where('ci_id', '=', ciId).execute();
  }

  /** Gives the CI these packages where it has none of that name and architecture (its own version wins). */
  async addSoftware(db: Kysely<DiscoveryTables>, ciId: string, rows: readonly SoftwareEntry[]): Promise<SoftwareEntry[]> {
    const held = new Set((await this.software(db, ciId)).map((r) => `${r.name}\u0000${r.arch}`));
    const fresh = rows.filter((r) => !held.has(`${r.name}\u0000${r.arch}`));
    for (let i = 0; i < fresh.length; i += 500) {
      await db
        .insertInto('ci_software')
        .values(fresh.slice(i, i + 500).map((r) => ({ ci_id: ciId, ...r })))
        .execute();
    }
    return fresh;
  }

  /**
   * Moves the interfaces and observed facts of `from` to `to`, except those `to` already has (same source and name,
   * same key and source): its own view is the newer or the one a person kept.
   */
  async moveObserved(db: Kysely<DiscoveryTables>, from: string, to: string): Promise<void> {
    await sql`update ci_interfaces set ci_id = ${to} where ci_id = ${from} and not exists (
      select 1 from ci_interfaces k where k.ci_id = ${to} and k.source = ci_interfaces.source and k.name = ci_interfaces.name)`.execute(db);
    await sql`update ci_observed_facts set ci_id = ${to} where ci_id = ${from} and not exists (
      select 1 from ci_observed_facts k where k.ci_id = ${to} and k.key = ci_observed_facts.key and k.source = ci_observed_facts.source)`.execute(
      db,
    );
  }

  /** Points the Terraform resources tracked as `from` at `to`, so a later state can still retire or revive them. */
  async repointTerraformResources(db: Kysely<DiscoveryTables>, from: string, to: string): Promise<void> {
    await db.updateTable('terraform_resources').set({ ci_id: to }).where('ci_id', '=', from).execute();
  }

  async relationshipsOf(db: Kysely<DiscoveryTables>, ciId: string): Promise<RelationshipRow[]> {
    return db
      .selectFrom('relationships')
      .select(['id', 'type', 'source_id', 'target_id', 'source'])
      .where((eb) => eb.or([eb('source_id', '=', ciId), eb('target_id', '=', ciId)]))
      .orderBy('id')
      .execute();
  }

  /** Names of CIs by id (for reports about relationships' other ends). */
  async names(db: Kysely<DiscoveryTables>, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('cis')
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
