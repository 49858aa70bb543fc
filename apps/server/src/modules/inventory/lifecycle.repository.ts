import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { CiTypeId } from './ci-type-ids';
import type { InventoryTables } from './inventory.tables';

/** Statuses whose CIs no longer need warranties, contracts or replacing. */
const GONE = ['retired', 'disposed'];

export interface ExpiringRow {
  kind: string;
  due: string;
  ci_id: string;
  ci_type: string;
  name: string;
  status: string;
}

export interface LicenceRow {
  id: string;
  name: string;
  status: string;
  attributes: unknown;
  used: number;
}

export interface RefreshRow {
  id: string;
  type: string;
  name: string;
  status: string;
  monthly_cost: number | null;
  due: string;
  reason: 'warranty' | 'end_of_life';
}

export interface RefreshTotalRow {
  quarter: string;
  count: number;
  cost: number;
}

type Page<T> = { items: T[]; nextCursor: string | null };

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/** SQL of the lifecycle reports: bounded lists in date order with keyset cursors, and one aggregate. */
export class LifecycleRepository {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /** A string attribute of `c.attributes`; `key` is a constant of ours, never user input. */
  private attribute(key: string): RawBuilder<string | null> {
    if (!/^[A-Za-z]+$/.test(key)) throw new Error(`Bad attribute key ${key}`);
    return this.dialect === 'postgres' ? sql`(c.attributes ->> ${sql.lit(key)})` : sql`json_extract(c.attributes, ${sql.lit(`$.${key}`)})`;
  }

  /** Warranties, ends of life, contract ends and licence expiries in `[from, to]`, by date, kind and CI id. */
  async expiring(options: {
    from: string;
    to: string;
    kind?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<ExpiringRow>> {
    const { from, to } = options;
    const live = sql`c.status not in (${list(GONE)})`;
    const contractEnd = this.attribute('endDate');
    const licenceEnd = this.attribute('expires');
    const parts = [
      [
        'warranty',
        sql`select 'warranty' as kind, c.warranty_end as due, c.id as ci_id, c.type as ci_type, c.name, c.status
        from cis c where c.warranty_end >= ${from} and c.warranty_end <= ${to} and ${live}`,
      ],
      [
        'end_of_life',
        sql`select 'end_of_life' as kind, c.end_of_life as due, c.id as ci_id, c.type as ci_type, c.name, c.status
        from cis c where c.end_of_life >= ${from} and c.end_of_life <= ${to} and ${live}`,
      ],
      [
        'contract',
        sql`select 'contract' as kind, ${contractEnd} as due, c.id as ci_id, c.type as ci_type, c.name, c.status
        from cis c where c.type = 'contract' and ${contractEnd} >= ${from} and ${contractEnd} <= ${to} and ${live}`,
      ],
      [
        'licence',
        sql`select 'licence' as kind, ${licenceEnd} as due, c.id as ci_id, c.type as ci_type, c.name, c.status
        from cis c where c.type = 'licence' and ${licenceEnd} >= ${from} and ${licenceEnd} <= ${to} and ${live}`,
      ],
    ] as const;
    const selected = parts.filter(([kind]) => options.kind === undefined || options.kind === kind).map(([, q]) => q);
    let after = sql`1 = 1`;
    if (options.cursor) {
      const [due, kind, id] = decodeCursor(options.cursor, 3).map(String);
      after = sql`(x.due > ${due} or (x.due = ${due} and x.kind > ${kind}) or (x.due = ${due} and x.kind = ${kind} and x.ci_id > ${id}))`;
    }
    const result = await sql<ExpiringRow>`
      select x.kind, x.due, x.ci_id, x.ci_type, x.name, x.status
      from (${sql.join(selected, sql` union all `)}) x
      where ${after}
      order by x.due, x.kind, x.ci_id
      limit ${options.limit + 1}
    `.execute(this.db);
    return toPage(result.rows, options.limit, (r) => [r.due, r.kind, r.ci_id]);
  }

  /** Licences by id, each with the number of `licensed_by` relationships pointing at it. */
  async licences(options: { limit: number; cursor?: string | undefined }): Promise<Page<LicenceRow>> {
    let q = this.db
      .selectFrom('cis as c')
      .select(['c.id', 'c.name', 'c.status', 'c.attributes'])
      .select((eb) =>
        eb
          .selectFrom('relationships as r')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('r.target_id', '=', 'c.id')
          .where('r.type', '=', 'licensed_by')
          .as('used'),
      )
      .where('c.type', '=', 'licence');
    if (options.cursor) q = q.where('c.id', '>', String(decodeCursor(options.cursor, 1)[0]));
    const rows = await q
      .orderBy('c.id', 'asc')
      .limit(options.limit + 1)
      .execute();
    return toPage(
      rows.map((r) => ({ ...r, used: Number(r.used ?? 0) })),
      options.limit,
      (r) => [r.id],
    );
  }

  /** The hardware to replace: the earlier of warranty end and end of life is on or before `to`. */
  private refreshSet(types: readonly CiTypeId[], to: string): RawBuilder<RefreshRow> {
    return sql<RefreshRow>`(
      select y.* from (
        select c.id, c.type, c.name, c.status, c.monthly_cost,
          case
            when c.warranty_end is null then c.end_of_life
            when c.end_of_life is null then c.warranty_end
            when c.end_of_life < c.warranty_end then c.end_of_life
            else c.warranty_end
          end as due,
          case
            when c.warranty_end is null or (c.end_of_life is not null and c.end_of_life < c.warranty_end) then 'end_of_life'
            else 'warranty'
          end as reason
        from cis c
        where c.type in (${list(types)}) and c.status not in (${list(GONE)})
          and (c.warranty_end is not null or c.end_of_life is not null)
      ) y
      where y.due <= ${to}
    )`;
  }

  async refreshPlan(options: {
    types: readonly CiTypeId[];
    to: string;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<RefreshRow>> {
    let after = sql`1 = 1`;
    if (options.cursor) {
      const [due, id] = decodeCursor(options.cursor, 2).map(String);
      after = sql`(x.due > ${due} or (x.due = ${due} and x.id > ${id}))`;
    }
    const result = await sql<RefreshRow>`
      select x.* from ${this.refreshSet(options.types, options.to)} x
      where ${after}
      order by x.due, x.id
      limit ${options.limit + 1}
    `.execute(this.db);
    const rows = result.rows.map((r) => ({ ...r, monthly_cost: r.monthly_cost === null ? null : Number(r.monthly_cost) }));
    return toPage(rows, options.limit, (r) => [r.due, r.id]);
  }

  /** Count and summed monthly cost of the whole plan per quarter (`YYYY-Qn`), with everything already due as `overdue`. */
  async refreshTotals(options: { types: readonly CiTypeId[]; today: string; to: string }): Promise<RefreshTotalRow[]> {
    const result = await sql<RefreshTotalRow>`
      select q.quarter, count(*) as count, sum(coalesce(q.monthly_cost, 0)) as cost
      from (
        select x.monthly_cost,
          case when x.due < ${options.today} then 'overdue'
            else substr(x.due, 1, 4) || '-Q' || cast((cast(substr(x.due, 6, 2) as integer) + 2) / 3 as text)
          end as quarter
        from ${this.refreshSet(options.types, options.to)} x
      ) q
      group by q.quarter
      order by q.quarter
    `.execute(this.db);
    return result.rows.map((r) => ({ quarter: r.quarter, count: Number(r.count), cost: Number(r.cost ?? 0) }));
  }
}
