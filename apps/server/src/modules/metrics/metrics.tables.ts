import type { Generated } from 'kysely';

/** One raw sample (migration 0006, index 0008): the embedded store until the metrics store replaces it. */
export interface AgentSamplesTable {
  /** The source that reported the sample: an agent's id. */
  agent_id: string;
  /** Metric name with its labels in canonical form: `fs.used_bytes{mount="/"}`. */
  series: string;
  at: number;
  value: number;
}

/** A series of the metric store (migration 0020): its name and canonical label set, found by fingerprint. */
export interface MetricSeriesTable {
  id: Generated<number>;
  metric: string;
  /** The canonical label set, `name{a="1",b="2"}`. */
  labels: string;
  fingerprint: string;
  created_at: number;
}

/** One label of a series, `__name__` included: what label matchers look up. */
export interface MetricSeriesLabelsTable {
  series_id: number;
  name: string;
  value: string;
}

/** A compressed chunk of one series' samples; the newest of a series is its open head, rewritten as it grows. */
export interface MetricChunksTable {
  series_id: number;
  min_time: number;
  max_time: number;
  count: number;
  bytes: Uint8Array;
  tier: Generated<string>;
}

/** The tables the metrics module reads and writes. */
export interface MetricsTables {
  agent_samples: AgentSamplesTable;
  metric_series: MetricSeriesTable;
  metric_series_labels: MetricSeriesLabelsTable;
  metric_chunks: MetricChunksTable;
}
