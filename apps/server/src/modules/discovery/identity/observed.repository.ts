import type { CiInterface, InterfaceKind, ObservedFact, Source } from '@estate/contract';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import { type Dialect, readJson } from '../../../platform/db/database';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import type { CiInterfacesTable, DiscoveryTables } from '../discovery.tables';

/** One network interface as an observer saw it. */
export interface ObservedInterface {
  name: string;
  kind?: InterfaceKind;
  description?: string;
  /** Normalised: lower-case with colons. */
  mac?: string;
  addresses?: string[];
  speedMbps?: number;
  adminUp?: boolean;
  operUp?: boolean;
}

/** A value kept beside a CI's fields, with why it is not one of them. */
export interface FactRecord {
  key: string;
  value: unknown;
  reason: string;
}

/** What is compared to tell whether an interface changed; the operational state changes all the time and is left out. */
function comparable(i: ObservedInterface): string {
  const { operUp: _up, ...rest } = i;
  return canonicalJson({ ...rest, addresses: rest.addresses ?? [] });
}

function toInterface(row: Omit<CiInterfacesTable, 'ci_id' | 'source' | 'seen_at'>, dialect: Dialect): ObservedInterface {
  const out: ObservedInterface = { name: row.name, addresses: readJson<string[]>(row.addresses, dialect) ?? [] };
  if (row.kind !== null) out.kind = row.kind as InterfaceKind;
  if (row.description !== null) out.description = row.description;
  if (row.mac !== null) out.mac = row.mac;
  if (row.speed_mbps !== null) out.speedMbps = Number(row.speed_mbps);
  if (row.admin_up !== null) out.adminUp = Number(row.admin_up) === 1;
  if (row.oper_up !== null) out.operUp = Number(row.oper_up) === 1;
  return out;
}

const flag = (v: boolean | undefined) => (v === undefined ? null : v ? 1 : 0);
const CHUNK = 200;

/** SQL of what observers saw beyond a CI's fields: its interfaces per source, and its observed facts. Both dialects. */
export class ObservedRepository {
  constructor(private readonly dialect: Dialect) {}

  /** The interfaces `source` last reported for the CI, by name. */
  async interfaces(db: Kysely<DiscoveryTables>, ciId: string, source: string): Promise<ObservedInterface[]> {
    const rows = await db
      .selectFrom('ci_interfaces')
      .select(['name', 'kind', 'description', 'mac', 'addresses', 'speed_mbps', 'admin_up', 'oper_up'])
      .where('ci_id', '=', ciId)
      .where('source', '=', source)
      .orderBy('name')
      .execute();
    return rows.map((r) => toInterface(r, this.dialect));
  }

  /**
   * Replaces the CI's interfaces from `source` with `interfaces` (names unique; a later duplicate is dropped).
   * Answers whether anything but operational states changed.
   */
  async replaceInterfaces(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    source: string,
    interfaces: readonly ObservedInterface[],
    at: number,
  ): Promise<boolean> {
    const byName = new Map<string, ObservedInterface>();
    for (const i of interfaces) if (!byName.has(i.name)) byName.set(i.name, i);
    const before = await this.interfaces(db, ciId, source);
    const key = (list: Iterable<ObservedInterface>) => [...list].map(comparable).sort().join('\n');
    await db.deleteFrom('ci_interfaces').where('ci_id', '=', ciId).where('source', '=', source).execute();
    const rows = [...byName.values()].map((i) => ({
      ci_id: ciId,
      source,
      name: i.name,
      kind: i.kind ?? null,
      description: i.description ?? null,
      mac: i.mac ?? null,
      addresses: JSON.stringify(i.addresses ?? []),
      speed_mbps: i.speedMbps ?? null,
      admin_up: flag(i.adminUp),
      oper_up: flag(i.operUp),
      seen_at: at,
    }));
    for (let n = 0; n < rows.length; n += CHUNK)
      await db
        .insertInto('ci_interfaces')
        .values(rows.slice(n, n + CHUNK))
        .execute();
    return key(before) !== key(byName.values());
  }

  /**
   * Records `facts` of the CI as `source` (by `observer`) saw them now, and drops that source's facts named in
   * `cleared` (keys it now applies as fields). Answers the keys whose value is new or changed.
   */
  async writeFacts(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    source: string,
    observer: string,
    facts: readonly FactRecord[],
    cleared: readonly string[],
    at: number,
  ): Promise<string[]> {
    facts = [...new Map(facts.map((f) => [f.key, f])).values()];
    const gone = cleared.filter((k) => !facts.some((f) => f.key === k));
    if (gone.length > 0) {
      await db.deleteFrom('ci_observed_facts').where('ci_id', '=', ciId).where('source', '=', source).where('key', 'in', gone).execute();
    }
    if (facts.length === 0) return [];
    const current = await db
      .selectFrom('ci_observed_facts')
      .select(['key', 'value'])
      .where('ci_id', '=', ciId)
      .where('source', '=', source)
      .execute();
    const known = new Map(current.map((r) => [r.key, canonicalJson(readJson(r.value, this.dialect))]));
    const changed = facts.filter((f) => known.get(f.key) !== canonicalJson(f.value)).map((f) => f.key);
    await db
      .insertInto('ci_observed_facts')
      .values(
        facts.map((f) => ({ ci_id: ciId, key: f.key, source, value: JSON.stringify(f.value), observer, reason: f.reason, seen_at: at })),
      )
      .onConflict((oc) =>
        oc.columns(['ci_id', 'key', 'source']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          observer: eb.ref('excluded.observer'),
          reason: eb.ref('excluded.reason'),
          seen_at: eb.ref('excluded.seen_at'),
        })),
      )
      .execute();
    return changed;
  }

  /** One page of the CI's interfaces from every source, by source, then name. */
  async listInterfaces(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    query: { limit: number; cursor?: string },
  ): Promise<{ items: CiInterface[]; nextCursor: string | null }> {
    let q = db.selectFrom('ci_interfaces').selectAll().where('ci_id', '=', ciId);
    if (query.cursor !== undefined) {
      const [source, name] = decodeCursor(query.cursor, 2).map(String) as [string, string];
      q = q.where((eb) => eb(eb.refTuple('source', 'name'), '>', eb.tuple(source, name)));
    }
    const rows = await q
      .orderBy('source')
      .orderBy('name')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.source, r.name]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => {
        const i = toInterface(r, this.dialect);
        return {
          source: r.source as Source,
          name: i.name,
          kind: i.kind ?? null,
          description: i.description ?? null,
          mac: i.mac ?? null,
          addresses: i.addresses ?? [],
          speedMbps: i.speedMbps ?? null,
          adminUp: i.adminUp ?? null,
          operUp: i.operUp ?? null,
          seenAt: Number(r.seen_at),
        };
      }),
    };
  }

  /** One page of the CI's observed facts, by key, then source. */
  async listFacts(
    db: Kysely<DiscoveryTables>,
    ciId: string,
    query: { limit: number; cursor?: string },
  ): Promise<{ items: ObservedFact[]; nextCursor: string | null }> {
    let q = db.selectFrom('ci_observed_facts').selectAll().where('ci_id', '=', ciId);
    if (query.cursor !== undefined) {
      const [key, source] = decodeCursor(query.cursor, 2).map(String) as [string, string];
      q = q.where((eb) => eb(eb.refTuple('key', 'source'), '>', eb.tuple(key, source)));
    }
    const rows = await q
      .orderBy('key')
      .orderBy('source')
      .limit(query.limit + 1)
      .execute();
    const page = toPage(rows, query.limit, (r) => [r.key, r.source]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        key: r.key,
        source: r.source as Source,
        value: readJson(r.value, this.dialect),
        observer: r.observer,
        reason: r.reason,
        seenAt: Number(r.seen_at),
      })),
    };
  }
}
