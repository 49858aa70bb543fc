/*
 * The metric store over a Prometheus-compatible backend (ADR 0019): samples go out by remote_write 1.0 and come
 * back through the backend's PromQL HTTP API. Tested against Debian's VictoriaMetrics and Prometheus.
 */
import { encodeWriteRequestV1, snappyEncode } from '@estate/tsdb';
import {
  envelopeOf,
  excerpt,
  type MetricsBackendClient,
  MetricsBackendRefusedError,
  MetricsBackendUnavailableError,
} from '../remote/metrics-backend-client';
import { planWrites, type WriteBatch } from '../remote/remote-write-batches';
import { selectorOf } from '../remote/selector';
import {
  type AppendResult,
  type LabelMatcher,
  MetricQueryError,
  type MetricSample,
  type MetricStore,
  type RejectReason,
  type SeriesSamples,
} from './metric-store';

/** How appends are cut and retried. */
export interface RemoteMetricStoreOptions {
  /** Most samples in one remote_write request (Prometheus' own sender sends 2,000 by default). */
  maxSamplesPerRequest?: number;
  /** Tries per request when the backend is unreachable, answers 5xx or 429; then the append rejects. */
  maxAttempts?: number;
  /** The first wait between tries, in ms; doubled after each, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * After a request failed all its tries, appends fail at once for this long, in ms, without trying (default
   * 10 s): an agent's report waits for the append inside its database transaction, and a backend that swallows
   * packets must not hold a connection per report for the whole retry budget.
   */
  cooldownMs?: number;
  /** Waits `ms`; tests pass one that records the waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in epoch ms; tests pass their own. */
  now?: () => number;
}

/** The backend's words for a refused request, as a reason; anything unrecognised is `invalid`. */
function reasonOf(message: string): RejectReason {
  if (/out of order|out of bounds|too old|too far in the past/i.test(message)) return 'out_of_order';
  if (/duplicate sample/i.test(message)) return 'duplicate_timestamp';
  if (/too many labels|label.* limit|labels limit/i.test(message)) return 'too_many_labels';
  if (/series limit|too many series|max.*series/i.test(message)) return 'too_many_series';
  return 'invalid';
}

/** Prometheus writes special floats as these strings. */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

const seconds = (ms: number) => String(ms / 1000);

/**
 * A MetricStore kept by a remote backend. `append` resolves once the backend acknowledged every request with a 2xx,
 * so an acknowledged sample is as durable as the backend makes it (Prometheus: in its WAL; VictoriaMetrics: in
 * memory for about a second before it is flushed). Requests are sent in order, one at a time. A call larger than
 * one request is not atomic: when a later request fails, the earlier ones stay written.
 */
export class RemoteMetricStore implements MetricStore {
  private readonly maxSamples: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly cooldownMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** Until when appends fail at once, and why: the last failure after all tries. */
  private cooling: { until: number; failure: string } | undefined;

  constructor(
    private readonly client: MetricsBackendClient,
    options: RemoteMetricStoreOptions = {},
  ) {
    this.maxSamples = options.maxSamplesPerRequest ?? 2000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.cooldownMs = options.cooldownMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /**
   * Writes the samples. A sample without a name, or a second value at one time in the call, is reported without
   * being sent; a request the backend refuses with 400 (out of order, a limit) reports each of its samples with
   * the backend's message. Rejects with MetricsBackendUnavailableError when a request still fails after the
   * retries, and with MetricsBackendRefusedError when the backend refuses it otherwise (401, 403, 404, 413): that
   * is configuration, not a bad sample. For `cooldownMs` after a request failed every try, rejects at once.
   */
  async append(samples: readonly MetricSample[]): Promise<AppendResult> {
    const plan = planWrites(samples, this.maxSamples);
    if (this.cooling && plan.batches.length > 0) {
      const left = this.cooling.until - this.now();
      if (left > 0) throw new MetricsBackendUnavailableError(`${this.cooling.failure}; not tried again for ${left} ms`);
      this.cooling = undefined;
    }
    const rejected = [...plan.rejected];
    let appended = 0;
    for (const batch of plan.batches) {
      const refusal = await this.send(batch);
      if (refusal === undefined) appended += batch.indexes.length;
      else for (const index of batch.indexes) rejected.push({ index, reason: reasonOf(refusal), message: refusal });
    }
    rejected.sort((a, b) => a.index - b.index);
    return { appended, duplicates: plan.duplicates, rejected };
  }

  /** Sends one request until a 2xx (undefined) or a 400 (the backend's message); throws on anything else. */
  private async send(batch: WriteBatch): Promise<string | undefined> {
    const body = snappyEncode(encodeWriteRequestV1(batch.series));
    let wait = this.backoffMs;
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const response = await this.client.write(body);
        if (response.status >= 200 && response.status < 300) return undefined;
        failure = `metrics backend ${this.client.name} refused the samples (HTTP ${response.status}): ${excerpt(response.text)}`;
        if (response.status === 400) return failure;
        // Other 4xx (401, 403, 404, 413) are configuration: no retry mends them.
        if (response.status < 500 && response.status !== 429) throw new MetricsBackendRefusedError(failure);
      } catch (err) {
        if (!(err instanceof MetricsBackendUnavailableError)) throw err;
        failure = err.message;
      }
      if (attempt >= this.maxAttempts) {
        const message = `${failure} (after ${attempt} tries)`;
        this.cooling = { until: this.now() + this.cooldownMs, failure: message };
        throw new MetricsBackendUnavailableError(message);
      }
      await this.sleep(wait);
      wait = Math.min(wait * 2, this.maxBackoffMs);
    }
  }

  /**
   * The matching series' raw samples in [start, end]: an instant query of a range selector at `end`, whose window
   * reaches 1 ms before `start` (Prometheus 2 closes the window at its start, VictoriaMetrics and Prometheus 3 do
   * not), with the samples before `start` dropped here, and one sample per time (the last the backend gave).
   * Stale markers are not returned: the backends drop them.
   */
  async select(matchers: readonly LabelMatcher[], start: number, end: number): Promise<SeriesSamples[]> {
    if (end < start) return [];
    const window = Math.max(1, end - start + 1);
    const params = new URLSearchParams({ query: `${selectorOf(matchers)}[${window}ms]`, time: seconds(end) });
    const data = await this.query('/api/v1/query', params);
    const result = data as { resultType?: string; result?: Array<{ metric: Record<string, string>; values?: Array<[number, string]> }> };
    if (result.resultType !== 'matrix' || !Array.isArray(result.result)) {
      throw new MetricsBackendUnavailableError(`metrics backend ${this.client.name} answered a range selector with ${result.resultType}`);
    }
    const out: SeriesSamples[] = [];
    for (const series of result.result) {
      const samples: Array<[number, number]> = [];
      for (const [t, v] of series.values ?? []) {
        const ms = Math.round(t * 1000);
        if (ms < start || ms > end) continue;
        // VictoriaMetrics keeps a resent sample twice (unless started with -dedup.minScrapeInterval): one per time.
        const last = samples[samples.length - 1];
        if (last && last[0] === ms) last[1] = sampleValue(v);
        else samples.push([ms, sampleValue(v)]);
      }
      out.push({ labels: series.metric, samples });
    }
    return out;
  }

  async labelNames(matchers?: readonly LabelMatcher[]): Promise<string[]> {
    const names = (await this.query('/api/v1/labels', this.searchParams(matchers))) as string[];
    return [...names].sort();
  }

  async labelValues(name: string, matchers?: readonly LabelMatcher[]): Promise<string[]> {
    const values = (await this.query(`/api/v1/label/${encodeURIComponent(name)}/values`, this.searchParams(matchers), 'GET')) as string[];
    return [...values].sort();
  }

  /**
   * Deletes the matching series through the backend's admin API (Prometheus needs `--web.enable-admin-api`;
   * VictoriaMetrics `-deleteAuthKey` is not supported). Answers how many series matched just before.
   */
  async deleteSeries(matchers: readonly LabelMatcher[]): Promise<number> {
    const params = this.searchParams(matchers);
    const found = ((await this.query('/api/v1/series', params)) as unknown[]).length;
    const response = await this.client.postForm('/api/v1/admin/tsdb/delete_series', params);
    if (response.status >= 300) {
      const hint = /admin APIs disabled/i.test(response.text) ? ' (start Prometheus with --web.enable-admin-api)' : '';
      throw new MetricsBackendUnavailableError(
        `metrics backend ${this.client.name} refused to delete series (HTTP ${response.status}): ${excerpt(response.text)}${hint}`,
      );
    }
    return found;
  }

  /** `match[]` for the matchers, over all time (VictoriaMetrics searches only the last day when no start is given). */
  private searchParams(matchers?: readonly LabelMatcher[]): URLSearchParams {
    const params = new URLSearchParams({ start: '0' });
    if (matchers && matchers.length > 0) params.append('match[]', selectorOf(matchers));
    return params;
  }

  /** One API call's `data`. A refused query (400, 422) throws MetricQueryError with the backend's message. */
  private async query(path: string, params: URLSearchParams, method: 'GET' | 'POST' = 'POST'): Promise<unknown> {
    const response = method === 'GET' ? await this.client.get(path, params) : await this.client.postForm(path, params);
    const envelope = envelopeOf(this.client, response);
    if (envelope.status === 'success') return envelope.data;
    if (envelope.httpStatus === 400 || envelope.httpStatus === 422) throw new MetricQueryError(envelope.error);
    throw new MetricsBackendUnavailableError(`metrics backend ${this.client.name} failed (HTTP ${envelope.httpStatus}): ${envelope.error}`);
  }
}
