import type { Kysely } from 'kysely';
import type { AgentSamplesTable, MetricsTables } from './metrics.tables';

/** One series of a batch: a metric name, its labels and its points as `[epoch ms, value]`. */
export interface SeriesBatch {
  name: string;
  labels?: Record<string, string> | undefined;
  points: ReadonlyArray<readonly [number, number]>;
}

/**
 * Where reported metric samples go. The agents module writes through it and never touches the store's tables; the
 * metrics store of the next issue replaces this implementation behind the same interface.
 */
export interface MetricSink {
  /**
   * Appends samples reported by `source` (an agent id), in `executor` — the caller's open transaction, so samples
   * are stored exactly when the report's receipt is. Each (source, series, time) is stored once: a resent batch adds
   * nothing. Answers how many samples were new.
   */
  append(
    // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
    executor: Kysely<any>,
    source: string,
    series: readonly SeriesBatch[],
  ): Promise<number>;
  /** Deletes samples older than `before` (epoch ms); answers how many. Safe to run from several processes. */
  prune(before: number): Promise<number>;
}

/** Rows per insert statement: under SQLite's and PostgreSQL's bind-parameter limits with four columns. */
const CHUNK = 2000;

/** A series' stored name: the metric and its labels in canonical order, `fs.used_bytes{mount="/"}`. */
export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  const quote = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  return `${name}{${keys.map((k) => `${k}="${quote(labels[k]!)}"`).join(',')}}`;
}

/** The embedded sink: one row per (source, series, time) in `agent_samples`, on either engine. */
export class SampleTableSink implements MetricSink {
  constructor(private readonly db: Kysely<MetricsTables>) {}

  async append(
    // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
    executor: Kysely<any>,
    source: string,
    series: readonly SeriesBatch[],
  ): Promise<number> {
    const rows: AgentSamplesTable[] = series.flatMap((s) => {
      const key = seriesKey(s.name, s.labels);
      return s.points.map(([at, value]) => ({ agent_id: source, series: key, at, value }));
    });
    const trx = executor as Kysely<MetricsTables>;
    let inserted = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const result = await trx
        .insertInto('agent_samples')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['agent_id', 'series', 'at']).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('agent_samples').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
