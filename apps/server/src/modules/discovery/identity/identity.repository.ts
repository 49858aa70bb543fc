import { type Kysely, sql } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import type { DiscoveryTables } from '../discovery.tables';
import { type Identifier, SINGLE_VALUED, VALUE_UNIQUE } from './identifiers';

/** One installed package of a CI. `arch` is '' when the package manager names none. */
export interface SoftwareRow {
  name: string;
  version: string;
  arch: string;
}

/** A CI an identifier pointed at. */
export interface IdentifierHit extends Identifier {
  ciId: string;
}

const CHUNK = 500;

/** SQL of identity reconciliation: identifiers, merge suggestions and installed software. Both dialects. */
export class IdentityRepository {
  constructor(private readonly dialect: Dialect) {}

  /**
   * Serialises reconciliation across processes on PostgreSQL for the rest of the transaction, so two observers of
   * the same new machine cannot both create it. SQLite has one writer already.
   */
  async lock(db: Kysely<DiscoveryTables>): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('estate:discovery:reconcile'))`.execute(db);
  }

  /** Every CI holding any of `ids`, with the identifier that matched. */
  async hits(db: Kysely<DiscoveryTables>, ids: readonly Identifier[]): Promise<IdentifierHit[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('ci_identifiers')
      .select(['ci_id', 'kind', 'value'])
      .where((eb) => eb.or(ids.map((i) => eb.and([eb('kind', '=', i.kind), eb('value', '=', i.value)]))))
      .orderBy('ci_id')
      .execute();
    return rows.map((r) => ({ ciId: r.ci_id, kind: r.kind as Identifier['kind'], value: r.value }));
  }

  /** The identifiers recorded for one CI. */
  async identifiersOf(db: Kysely<DiscoveryTables>, ciId: string): Promise<Identifier[]> {
    const rows = await db.selectFrom('ci_identifiers').select(['kind', 'value']).where('ci_id', '=', ciId).execute();
    return rows.map((r) => ({ kind: r.kind as Identifier['kind'], value: r.value }));
  }

  /**
   * CIs that name the same serial or host name in their own fields: how a CI entered by hand or imported, which
   * has no recorded identifiers yet, is found by its first observer. Uses the serial and name indexes.
   */
  async byOwnFields(
    db: Kysely<DiscoveryTables>,
    serials: readonly string[],
    names: readonly string[],
    nameTypes: readonly string[],
  ): Promise<Array<{ id: string; serial: string | null; name: string; attributes: unknown }>> {
    if (serials.length === 0 && names.length === 0) return [];
    const rows = await db
      .selectFrom('cis')
      .select(['id', 'serial', 'name', 'attributes'])
      .where((eb) =>
        eb.or([
          ...(serials.length > 0 ? [eb('serial', 'in', [...serials])] : []),
          ...(names.length > 0 ? [eb.and([eb('name', 'in', [...names]), eb('type', 'in', [...nameTypes])])] : []),
        ]),
      )
      .limit(50)
      .execute();
    return rows.map((r) => ({ ...r, attributes: readJson(r.attributes, this.dialect) }));
  }

  /** The types of the given CIs, by id. */
  async typesOf(db: Kysely<DiscoveryTables>, ciIds: readonly string[]): Promise<Map<string, string>> {
    // Guard against running an invalid `in ()` query when the list is empty.
    if (ciIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('cis')
      .select(['id', 'type'])
      .where('id', 'in', [...new Set(ciIds)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.type]));
  }

  /**
   * The source that last set the CI's type: the one that created it, or a later retype. `scan` means the type is
   * a scan's reading of what answered, which an agent or an import may correct.
   */
  async typeSetBy(db: Kysely<DiscoveryTables>, ciId: string): Promise<string | undefined> {
    const setsType =
      this.dialect === 'postgres'
        ? sql<boolean>`changes @> '[{"field":"type"}]'::jsonb`
        : sql<boolean>`exists (select 1 from json_each(ci_history.changes) where json_extract(value, '$.field') = 'type')`;
    const row = await db
      .selectFrom('ci_history')
      .select('source')
      .where('ci_id', '=', ciId)
      .where('kind', 'in', ['created', 'updated'])
      .where(setsType)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.source;
  }

  /** Whether the CI exists (an agent's bound CI may have been deleted by hand). */
  async ciExists(db: Kysely<DiscoveryTables>, ciId: string): Promise<boolean> {
    return (await db.selectFrom('cis').select('id').where('id', '=', ciId).executeTakeFirst()) !== undefined;
  }

  /**
   * Records `ids` as seen now for the CI. A single-valued kind (serial, machine id, external id) replaces the
   * CI's previous value of that kind: the thing has one, and it is now this. A value-unique kind (a scan target)
   * leaves every other CI: the address now shows this one.
   */
  async record(db: Kysely<DiscoveryTables>, ciId: string, ids: readonly Identifier[], source: string, at: number): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids.filter((i) => SINGLE_VALUED.has(i.kind))) {
      await db.deleteFrom('ci_identifiers').where('ci_id', '=', ciId).where('kind', '=', id.kind).where('value', '!=', id.value).execute();
    }
    for (const id of ids.filter((i) => VALUE_UNIQUE.has(i.kind))) {
      await db.deleteFrom('ci_identifiers').where('kind', '=', id.kind).where('value', '=', id.value).where('ci_id', '!=', ciId).execute();
    }
    await db
      .insertInto('ci_identifiers')
      .values(ids.map((i) => ({ ci_id: ciId, kind: i.kind, value: i.value, source, seen_at: at })))
      .onConflict((oc) => oc.columns(['ci_id', 'kind', 'value']).doUpdateSet({ seen_at: at, source }))
      .execute();
  }

  /** Whether a suggestion for this pair (either way round) was ever made: dismissed ones are not made again. */
  async suggestionExists(db: Kysely<DiscoveryTables>, a: string, b: string): Promise<boolean> {
    const row = await db
      .selectFrom('merge_suggestions')
      .select('id')
      .where((eb) =>
        eb.or([eb.and([eb('ci_id', '=', a), eb('other_ci_id', '=', b)]), eb.and([eb('ci_id', '=', b), eb('other_ci_id', '=', a)])]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertSuggestion(
    db: Kysely<DiscoveryTables>,
    row: { id: string; ciId: string; otherCiId: string; reason: string; details: unknown; source: string; at: number },
  ): Promise<void> {
    await db
      .insertInto('merge_suggestions')
      .values({
        id: row.id,
        ci_id: row.ciId,
        other_ci_id: row.otherCiId,
        reason: row.reason,
        details: JSON.stringify(row.details),
        status: 'open',
        source: row.source,
        created_at: row.at,
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
  }

  /** A name of `type` not yet taken: `name`, else `name (2)`, `name (3)`… (usually one or two look-ups). */
  async freeName(db: Kysely<DiscoveryTables>, type: string, name: string): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name} (${n})`;
      const row = await db.selectFrom('cis').select('id').where('type', '=', type).where('name', '=', candidate).executeTakeFirst();
      if (!row) return candidate;
    }
  }

  /** The CI's installed software. */
  async software(db: Kysely<DiscoveryTables>, ciId: string): Promise<SoftwareRow[]> {
    return db.selectFrom('ci_software').select(['name', 'version', 'arch']).where('ci_id', '=', ciId).execute();
  }

  /** Writes the differences: `upserts` inserted or given their new version, `removed` deleted. */
  async writeSoftware(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    upserts: readonly SoftwareRow[],
    removed: readonly SoftwareRow[],
    source: string,
    at: number,
  ): Promise<void> {
    for (let i = 0; i < removed.length; i += CHUNK) {
      const part = removed.slice(i, i + CHUNK);
      await db
        .deleteFrom('ci_software')
        .where('ci_id', '=', ciId)
        .where((eb) => eb.or(part.map((r) => eb.and([eb('name', '=', r.name), eb('arch', '=', r.arch)]))))
        .execute();
    }
    for (let i = 0; i < upserts.length; i += CHUNK) {
      await db
        .insertInto('ci_software')
        .values(upserts.slice(i, i + CHUNK).map((r) => ({ ci_id: ciId, ...r, source, seen_at: at })))
        .onConflict((oc) =>
          oc.columns(['ci_id', 'name', 'arch']).doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), source, seen_at: at })),
        )
        .execute();
    }
  }
}
