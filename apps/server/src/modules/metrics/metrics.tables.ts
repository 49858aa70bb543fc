/** One raw sample (migration 0006, index 0008): the embedded store until the metrics store replaces it. */
export interface AgentSamplesTable {
  /** The source that reported the sample: an agent's id. */
  agent_id: string;
  /** Metric name with its labels in canonical form: `fs.used_bytes{mount="/"}`. */
  series: string;
  at: number;
  value: number;
}

/** The tables the metrics module reads and writes. */
export interface MetricsTables {
  agent_samples: AgentSamplesTable;
}
