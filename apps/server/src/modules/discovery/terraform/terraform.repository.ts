import type { TerraformImportCounts, TerraformImportSummary } from '@estate/contract';
import type { Kysely } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import type { DiscoveryTables, TerraformResourcesTable } from '../discovery.tables';

/** What `terraform_imports.summary` holds. */
interface StoredSummary {
  terraformVersion: string | null;
  counts: TerraformImportCounts;
}

/** SQL of Terraform imports: the resources each lineage imported, and the record of every import. Both dialects. */
export class TerraformRepository {
  constructor(private readonly dialect: Dialect) {}

  /** The highest serial of the lineage imported so far, or null. */
  async lastSerial(db: Kysely<DiscoveryTables>, lineage: string): Promise<number | null> {
    const row = await db
      .selectFrom('terraform_imports')
      .select((eb) => eb.fn.max('serial').as('serial'))
      .where('lineage', '=', lineage)
      .executeTakeFirst();
    return row?.serial === null || row?.serial === undefined ? null : Number(row.serial);
  }

  /** Every resource the lineage imported, present or vanished. */
  async resources(db: Kysely<DiscoveryTables>, lineage: string): Promise<TerraformResourcesTable[]> {
    const rows = await db.selectFrom('terraform_resources').selectAll().where('lineage', '=', lineage).execute();
    return rows.map((r) => ({
      ...r,
      serial: Number(r.serial),
      vanished_serial: r.vanished_serial === null ? null : Number(r.vanished_serial),
    }));
  }

  /** Records that the lineage's state `serial` contains the resource, as the CI `ciId`. */
  async present(db: Kysely<DiscoveryTables>, row: Omit<TerraformResourcesTable, 'vanished_serial'>): Promise<void> {
    await db
      .insertInto('terraform_resources')
      .values({ ...row, vanished_serial: null })
      .onConflict((oc) =>
        oc
          .columns(['lineage', 'external_id'])
          .doUpdateSet({ address: row.address, ci_id: row.ci_id, serial: row.serial, vanished_serial: null }),
      )
      .execute();
  }

  /** Records that the resource is missing from the lineage's state `serial`. */
  async vanished(db: Kysely<DiscoveryTables>, lineage: string, externalId: string, serial: number): Promise<void> {
    await db
      .updateTable('terraform_resources')
      .set({ vanished_serial: serial })
      .where('lineage', '=', lineage)
      .where('external_id', '=', externalId)
      .execute();
  }

  /** Whether the CI still holds the external id (a merge or a hand edit may have moved it). */
  async holds(db: Kysely<DiscoveryTables>, ciId: string, externalId: string): Promise<boolean> {
    const row = await db
      .selectFrom('ci_identifiers')
      .select('ci_id')
      .where('ci_id', '=', ciId)
      .where('kind', '=', 'external_id')
      .where('value', '=', externalId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The type of the CI holding each of these external ids, for the ids some CI holds. */
  async typesByExternalId(db: Kysely<DiscoveryTables>, externalIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += 500) {
      const rows = await db
        .selectFrom('ci_identifiers as i')
        .innerJoin('cis as c', 'c.id', 'i.ci_id')
        .select(['i.value', 'c.type'])
        .where('i.kind', '=', 'external_id')
        .where('i.value', 'in', externalIds.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.value, r.type);
    }
    return out;
  }

  /** Which of the state's relationships already exist, as `type source target` keys. */
  async existingRelations(db: Kysely<DiscoveryTables>, ciIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ciIds.length; i += 500) {
      const part = ciIds.slice(i, i + 500);
      const rows = await db
        .selectFrom('relationships')
        .select(['type', 'source_id', 'target_id'])
        .where('source_id', 'in', part)
        .where('type', 'in', ['located_in', 'depends_on'])
        .execute();
      for (const r of rows) out.add(`${r.type} ${r.source_id} ${r.target_id}`);
    }
    return out;
  }

  async record(
    db: Kysely<DiscoveryTables>,
    row: { id: string; lineage: string; serial: number; summary: StoredSummary; userId: string | null; at: number },
  ): Promise<void> {
    await db
      .insertInto('terraform_imports')
      .values({
        id: row.id,
        lineage: row.lineage,
        serial: row.serial,
        summary: JSON.stringify(row.summary),
        user_id: row.userId,
        created_at: row.at,
      })
      .execute();
  }

  /** Recorded imports, newest first, optionally of one lineage; keyset paged by id. */
  async list(
    db: Kysely<DiscoveryTables>,
    query: { lineage?: string; limit: number; cursor?: string },
  ): Promise<{ items: TerraformImportSummary[]; nextCursor: string | null }> {
    let q = db.selectFrom('terraform_imports').selectAll();
    if (query.lineage !== undefined) q = q.where('lineage', '=', query.lineage);
    if (query.cursor !== undefined) q = q.where('id', '<', String(decodeCursor(query.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.id]);
    const zero: TerraformImportCounts = { created: 0, updated: 0, unchanged: 0, retired: 0, related: 0, skipped: 0 };
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => {
        const summary = (readJson<Partial<StoredSummary>>(r.summary, this.dialect) ?? {}) as Partial<StoredSummary>;
        return {
          id: r.id,
          lineage: r.lineage,
          serial: Number(r.serial),
          terraformVersion: summary.terraformVersion ?? null,
          counts: { ...zero, ...(summary.counts ?? {}) },
          userId: r.user_id,
          createdAt: Number(r.created_at),
        };
      }),
    };
  }
}
