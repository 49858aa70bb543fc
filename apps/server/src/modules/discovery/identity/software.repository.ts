import type { InstalledSoftware, SoftwareInstallation, Source } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import type { DiscoveryTables } from '../discovery.tables';

/** `%`, `_` and the escape character itself, escaped for a LIKE pattern with `escape '\'`. */
function likePrefix(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL of installed software: one CI's packages and where a package is installed. Both dialects. */
export class SoftwareRepository {
  /** Whether the CI exists. */
  async ciExists(db: Kysely<DiscoveryTables>, ciId: string): Promise<boolean> {
    return (await db.selectFrom('cis').select('id').where('id', '=', ciId).executeTakeFirst()) !== undefined;
  }

  /** One CI's packages by name and architecture; `prefix` keeps names starting with it (case-insensitive). */
  async ofCi(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    query: { prefix?: string; limit: number; cursor?: string },
  ): Promise<{ items: InstalledSoftware[]; nextCursor: string | null }> {
    let q = db.selectFrom('ci_software').select(['name', 'version', 'arch', 'source', 'seen_at']).where('ci_id', '=', ciId);
    if (query.prefix !== undefined) q = q.where(sql<boolean>`lower(name) like ${likePrefix(query.prefix)} escape '\\'`);
    if (query.cursor !== undefined) {
      const [name, arch] = decodeCursor(query.cursor, 2).map(String) as [string, string];
      q = q.where((eb) => eb(eb.refTuple('name', 'arch'), '>', eb.tuple(name, arch)));
    }
    const rows = await q
      .orderBy('name')
      .orderBy('arch')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.name, r.arch]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        name: r.name,
        version: r.version,
        arch: r.arch,
        source: r.source as Source,
        seenAt: Number(r.seen_at),
      })),
    };
  }

  /** The CIs that have package `name` (optionally one version), by version, then CI name. */
  async installations(
    db: Kysely<DiscoveryTables>,
    query: { name: string; version?: string; limit: number; cursor?: string },
  ): Promise<{ items: SoftwareInstallation[]; nextCursor: string | null }> {
    let q = db
      .selectFrom('ci_software as s')
      .innerJoin('cis as c', 'c.id', 's.ci_id')
      .select([
        's.ci_id',
        'c.name as ci_name',
        'c.type as ci_type',
        'c.status as ci_status',
        's.name',
        's.version',
        's.arch',
        's.source',
        's.seen_at',
      ])
      .where('s.name', '=', query.name);
    if (query.version !== undefined) q = q.where('s.version', '=', query.version);
    if (query.cursor !== undefined) {
      const [version, ciName, ciId, arch] = decodeCursor(query.cursor, 4).map(String) as [string, string, string, string];
      q = q.where((eb) => eb(eb.refTuple('s.version', 'c.name', 's.ci_id', 's.arch'), '>', eb.tuple(version, ciName, ciId, arch)));
    }
    const rows = await q
      .orderBy('s.version')
      .orderBy('c.name')
      .orderBy('s.ci_id')
      .orderBy('s.arch')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.version, r.ci_name, r.ci_id, r.arch]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        ciId: r.ci_id,
        ciName: r.ci_name,
        ciType: r.ci_type,
        ciStatus: r.ci_status as SoftwareInstallation['ciStatus'],
        name: r.name,
        version: r.version,
        arch: r.arch,
        source: r.source as Source,
        seenAt: Number(r.seen_at),
      })),
    };
  }
}
