/*
 * What answers Prometheus' query API (ADR 0019): Estate's own PromQL engine over the embedded store, or the PromQL
 * HTTP API of the metrics backend named by ESTATE_METRICS_URL. The routes validate parameters and check access,
 * then hand the parsed values to one of these; they never know which.
 */
import type { LabelMatcher } from './store/metric-store';

/** One `match[]` selector: its text, to forward, and its matchers, to evaluate. */
export interface SeriesSelector {
  text: string;
  matchers: LabelMatcher[];
}

/** An optional time range of a search, in epoch ms. */
export interface SearchRange {
  start?: number | undefined;
  end?: number | undefined;
}

/** A `data` already written as JSON (UTF-8 bytes, in pieces), for answers too large to build as objects first. */
export class SerializedData {
  constructor(readonly json: readonly Buffer[]) {}
}

/** A successful answer: the endpoint's `data`, and warnings when the backend gave some. */
export interface PromqlAnswer {
  data: unknown;
  warnings?: string[];
}

/**
 * A refusal in Prometheus' error envelope: its `errorType` (bad_data, execution, timeout, unavailable, …) and the
 * HTTP status to answer with. The message never holds a credential or a stack.
 */
export class PromqlBackendError extends Error {
  override readonly name = 'PromqlBackendError';
  constructor(
    readonly errorType: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Answers the query API's endpoints from validated, parsed parameters. Failures throw PromqlBackendError. */
export interface PromqlBackend {
  /** An instant query at `time` (epoch ms); at the backend's "now" when undefined. */
  instant(query: string, time: number | undefined): Promise<PromqlAnswer>;
  /**
   * A range query. `resolution` is Estate's extension: `auto` lets the embedded engine read rollup tiers (ADR 0018);
   * a remote backend answers from its own data either way.
   */
  range(query: string, start: number, end: number, step: number, resolution?: 'raw' | 'auto'): Promise<PromqlAnswer>;
  /** Exemplars of the series the query's selectors select, in the range. */
  exemplars(query: string, range: SearchRange): Promise<PromqlAnswer>;
  /** The series matching any selector; with samples in the range when one is given. */
  series(selectors: readonly SeriesSelector[], range: SearchRange): Promise<PromqlAnswer>;
  /** Label names, of the series matching any selector when some are given. */
  labelNames(selectors: readonly SeriesSelector[] | undefined, range: SearchRange): Promise<PromqlAnswer>;
  /** Values of one label, of the series matching any selector when some are given. */
  labelValues(name: string, selectors: readonly SeriesSelector[] | undefined, range: SearchRange): Promise<PromqlAnswer>;
  /** Metric metadata (type, help, unit) by metric name. */
  metadata(): Promise<PromqlAnswer>;
  /** The build information clients such as Grafana pick features by. */
  buildInfo(): Promise<PromqlAnswer>;
}
