import type { Labels, QueryResult, Sample } from './prometheus-query';

/** The most rows the table shows; a larger result is cut with a note (a browser table of 10,000 rows is unusable). */
export const TABLE_ROW_LIMIT = 1000;

/** The most samples one row of a range-vector result shows, the newest ones. */
export const ROW_SAMPLE_LIMIT = 20;

/** One row of the result table. */
export interface ResultRow {
  /** Unique within the table. */
  key: string;
  /** The series as PromQL writes it (`up{job="x"}`), `{}` for a vector element without labels; null for a scalar or string. */
  series: string | null;
  /** One value for an instant vector, scalar or string; the newest samples for a range vector, oldest first. */
  samples: Sample[];
  /** Samples of a range vector left out of `samples`. */
  omittedSamples: number;
}

/** The rows of a result, cut to `limit`, and how many there were in all. */
export interface ResultRows {
  kind: QueryResult['resultType'];
  rows: ResultRow[];
  total: number;
}

/** A label value quoted as PromQL writes it (backslash, quote and newline escaped). */
export function quoteLabelValue(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** A series as PromQL writes it: the metric name, then the other labels sorted by name; `{}` when it has none. */
export function formatSeries(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((key) => key !== '__name__')
    .sort()
    .map((key) => `${key}=${quoteLabelValue(labels[key] as string)}`);
  return rest.length === 0 && name ? name : `${name}{${rest.join(', ')}}`;
}

/** The table rows of a query result; at most `limit` rows, in the order the server sent them. */
export function resultRows(data: QueryResult, limit: number = TABLE_ROW_LIMIT): ResultRows {
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return { kind: data.resultType, rows: [{ key: data.resultType, series: null, samples: [data.result], omittedSamples: 0 }], total: 1 };
    case 'vector':
      return {
        kind: 'vector',
        total: data.result.length,
        rows: data.result.slice(0, limit).map((element, index) => ({
          key: String(index),
          series: formatSeries(element.metric),
          samples: [element.value],
          omittedSamples: 0,
        })),
      };
    case 'matrix':
      return {
        kind: 'matrix',
        total: data.result.length,
        rows: data.result.slice(0, limit).map((element, index) => ({
          key: String(index),
          series: formatSeries(element.metric),
          samples: element.values.slice(-ROW_SAMPLE_LIMIT),
          omittedSamples: Math.max(0, element.values.length - ROW_SAMPLE_LIMIT),
        })),
      };
  }
}
