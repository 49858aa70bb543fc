/*
 * Metric metadata by family: what remote_write senders (1.0's metadata list, 2.0's per-series metadata) and Estate's
 * own scrape say a metric is. Kept in `metric_metadata` (migration 0024); a family's newest description wins. What
 * was last written is remembered, so a sender repeating the same metadata with every request costs no write.
 */
import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/** Families per statement, well under both engines' bind-parameter limits. */
const ROWS_PER_UPSERT = 500;

export class MetricMetadataStore {
  private readonly written = new Map<string, string>();

  constructor(
    private readonly db: Kysely<MetricsTables>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records families' metadata; those unchanged since this process last wrote them are skipped. */
  async record(entries: Iterable<[metric: string, MetricMetadata]>): Promise<void> {
    const changed = new Map<string, MetricMetadata>();
    for (const [metric, meta] of entries) {
      // `__proto__` would be a plain object's prototype in the answer, not a key.
      if (metric === '' || metric === '__proto__' || (meta.type === 'unknown' && meta.help === '' && meta.unit === '')) continue;
      const text = `${meta.type}\u0000${meta.help}\u0000${meta.unit}`;
      if (this.written.get(metric) !== text) changed.set(metric, meta);
    }
    if (changed.size === 0) return;
    const rows = [...changed].map(([metric, m]) => ({ metric, type: m.type, help: m.help, unit: m.unit, updated_at: this.now() }));
    for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT) {
      await this.db
        .insertInto('metric_metadata')
        .values(rows.slice(i, i + ROWS_PER_UPSERT))
        .onConflict((oc) =>
          oc.column('metric').doUpdateSet((eb) => ({
            type: eb.ref('excluded.type'),
            help: eb.ref('excluded.help'),
            unit: eb.ref('excluded.unit'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    for (const [metric, m] of changed) this.written.set(metric, `${m.type}\u0000${m.help}\u0000${m.unit}`);
  }

  /** Every family's metadata in Prometheus' `/api/v1/metadata` shape: metric → [{type, help, unit}]. */
  async all(): Promise<Record<string, MetricMetadata[]>> {
    const rows = await this.db.selectFrom('metric_metadata').select(['metric', 'type', 'help', 'unit']).orderBy('metric').execute();
    const out: Record<string, MetricMetadata[]> = {};
    for (const r of rows) out[r.metric] = [{ type: r.type, help: r.help, unit: r.unit }];
    return out;
  }
}
