import type {
  ExpiringItem,
  ExpiringQuery,
  LicenceUsage,
  LicenceUsageQuery,
  LifecycleStatus,
  RefreshPlan,
  RefreshPlanQuery,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import { type Dialect, readJson } from '../../platform/db/database';
import { typesIn } from './ci-type-ids';
import type { InventoryTables } from './inventory.tables';
import { LifecycleRepository } from './lifecycle.repository';

const DAY_MS = 86_400_000;

/** Physical things that wear out and get replaced: not VMs, containers, volumes or shares. */
export const HARDWARE_TYPES = [
  'physical_server',
  ...typesIn('network', 'facility', 'end_user'),
  'storage_array',
] as const satisfies readonly string[];

/** `YYYY-MM-DD` of a time, UTC. */
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `date` plus `months` calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last)));
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) + 2) / 3)}`;
const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Lifecycle reports: what expires soon (warranties, ends of life, contracts' `endDate`, licences' `expires`), licence
 * seats against use, and the hardware refresh plan. Dates are `YYYY-MM-DD`, compared with today in UTC; retired and
 * disposed CIs are left out. Attributes a CI lacks are treated as unknown, never as errors.
 */
export class LifecycleService {
  private readonly repo: LifecycleRepository;

  constructor(
    db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new LifecycleRepository(db, dialect);
  }

  /** Everything ending between today and `within` days from now, soonest first. */
  async expiring(query: ExpiringQuery): Promise<{ items: ExpiringItem[]; nextCursor: string | null }> {
    const today = isoDate(this.now());
    const to = isoDate(Date.parse(`${today}T00:00:00Z`) + (query.within ?? 90) * DAY_MS);
    const page = await this.repo.expiring({ from: today, to, kind: query.kind, limit: query.limit ?? 100, cursor: query.cursor });
    return {
      items: page.items.map((r) => ({
        kind: r.kind as ExpiringItem['kind'],
        date: r.due,
        daysLeft: daysBetween(today, r.due),
        ciId: r.ci_id,
        ciType: r.ci_type,
        name: r.name,
        status: r.status as LifecycleStatus,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Every licence with its seats (attribute `seats`), seats used (`licensed_by` relationships) and over-use. */
  async licences(query: LicenceUsageQuery): Promise<{ items: LicenceUsage[]; nextCursor: string | null }> {
    const page = await this.repo.licences({ limit: query.limit ?? 100, cursor: query.cursor });
    return {
      items: page.items.map((r) => {
        const attributes = readJson<Record<string, unknown> | null>(r.attributes, this.dialect) ?? {};
        const seats = numberOrNull(attributes.seats);
        const expires = typeof attributes.expires === 'string' ? attributes.expires : null;
        return {
          ciId: r.id,
          name: r.name,
          status: r.status as LifecycleStatus,
          seats,
          used: r.used,
          available: seats === null ? null : seats - r.used,
          overUsed: seats !== null && r.used > seats,
          expires,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Hardware whose warranty or end of life (the earlier) falls before the horizon's end — overdue items included —
   * soonest first, with count and monthly cost per quarter over the whole plan.
   */
  async refreshPlan(query: RefreshPlanQuery): Promise<RefreshPlan> {
    const horizon = query.horizon ?? 'quarter';
    const today = isoDate(this.now());
    const to = addMonths(today, horizon === 'quarter' ? 3 : 12);
    const [page, totals] = await Promise.all([
      this.repo.refreshPlan({ types: HARDWARE_TYPES, to, limit: query.limit ?? 100, cursor: query.cursor }),
      this.repo.refreshTotals({ types: HARDWARE_TYPES, today, to }),
    ]);
    // Overdue first, then the quarters in order.
    const quarters = [...totals]
      .sort((a, b) => (a.quarter === 'overdue' ? -1 : b.quarter === 'overdue' ? 1 : a.quarter.localeCompare(b.quarter)))
      .map((t) => ({ quarter: t.quarter, count: t.count, monthlyCost: t.cost }));
    return {
      horizon,
      from: today,
      to,
      items: page.items.map((r) => ({
        ciId: r.id,
        ciType: r.type,
        name: r.name,
        status: r.status as LifecycleStatus,
        date: r.due,
        reason: r.reason,
        overdue: r.due < today,
        quarter: r.due < today ? 'overdue' : quarterOf(r.due),
        monthlyCost: r.monthly_cost,
      })),
      nextCursor: page.nextCursor,
      quarters,
      total: {
        count: quarters.reduce((n, q) => n + q.count, 0),
        monthlyCost: quarters.reduce((n, q) => n + q.monthlyCost, 0),
      },
    };
  }
}
