import { type PromqlAnswer, type PromqlBackend, PromqlBackendError, type SearchRange, type SeriesSelector } from '../promql-backend';
import { envelopeOf, type MetricsBackendClient, MetricsBackendUnavailableError } from './metrics-backend-client';

/** Prometheus' errorType for an HTTP status, for backends (VictoriaMetrics) that put the status itself there. */
const TYPE_OF_STATUS: Record<number, string> = { 400: 'bad_data', 404: 'not_found', 422: 'execution', 503: 'unavailable', 504: 'timeout' };

const seconds = (ms: number) => String(ms / 1000);

/**
 * The query API answered by the metrics backend's own PromQL HTTP API (ESTATE_METRICS_URL). Estate has validated
 * and parsed the parameters; they are sent again as Prometheus takes them (times in Unix seconds), by form POST
 * where Prometheus accepts one. The backend's answer is returned as it gave it, in the backend's query language
 * (MetricsQL for VictoriaMetrics). A backend that cannot be reached, or answers something that is not Prometheus'
 * envelope, is a 503 `unavailable` naming the backend by its base URL (never its credentials).
 */
export class RemotePromql implements PromqlBackend {
  constructor(private readonly client: MetricsBackendClient) {}

  instant(query: string, time: number | undefined): Promise<PromqlAnswer> {
    const params = new URLSearchParams({ query });
    if (time !== undefined) params.set('time', seconds(time));
    return this.call('POST', '/api/v1/query', params);
  }

  range(query: string, start: number, end: number, step: number): Promise<PromqlAnswer> {
    const params = new URLSearchParams({ query, start: seconds(start), end: seconds(end), step: seconds(step) });
    return this.call('POST', '/api/v1/query_range', params);
  }

  /** The backend's exemplars; none from a backend that keeps none (VictoriaMetrics answers 404 or 400 for the path). */
  async exemplars(query: string, range: SearchRange): Promise<PromqlAnswer> {
    const params = searchParams(undefined, range);
    params.set('query', query);
    try {
      return await this.call('POST', '/api/v1/query_exemplars', params);
    } catch (err) {
      if (err instanceof PromqlBackendError && (err.status === 404 || err.status === 405)) return { data: [] };
      throw err;
    }
  }

  series(selectors: readonly SeriesSelector[], range: SearchRange): Promise<PromqlAnswer> {
    return this.call('POST', '/api/v1/series', searchParams(selectors, range));
  }

  labelNames(selectors: readonly SeriesSelector[] | undefined, range: SearchRange): Promise<PromqlAnswer> {
    return this.call('POST', '/api/v1/labels', searchParams(selectors, range));
  }

  labelValues(name: string, selectors: readonly SeriesSelector[] | undefined, range: SearchRange): Promise<PromqlAnswer> {
    return this.call('GET', `/api/v1/label/${encodeURIComponent(name)}/values`, searchParams(selectors, range));
  }

  metadata(): Promise<PromqlAnswer> {
    return this.call('GET', '/api/v1/metadata', new URLSearchParams());
  }

  buildInfo(): Promise<PromqlAnswer> {
    return this.call('GET', '/api/v1/status/buildinfo', new URLSearchParams());
  }

  private async call(method: 'GET' | 'POST', path: string, params: URLSearchParams): Promise<PromqlAnswer> {
    try {
      const response = method === 'GET' ? await this.client.get(path, params) : await this.client.postForm(path, params);
      const envelope = envelopeOf(this.client, response);
      if (envelope.status === 'success')
        return envelope.warnings ? { data: envelope.data, warnings: envelope.warnings } : { data: envelope.data };
      const errorType = /^\d+$/.test(envelope.errorType) ? (TYPE_OF_STATUS[envelope.httpStatus] ?? 'internal') : envelope.errorType;
      const status = envelope.httpStatus >= 400 ? envelope.httpStatus : 500;
      throw new PromqlBackendError(errorType, envelope.error, status);
    } catch (err) {
      if (err instanceof MetricsBackendUnavailableError) throw new PromqlBackendError('unavailable', err.message, 503);
      throw err;
    }
  }
}

/** `match[]`, `start` and `end` as Prometheus takes them. */
function searchParams(selectors: readonly SeriesSelector[] | undefined, range: SearchRange): URLSearchParams {
  const params = new URLSearchParams();
  for (const selector of selectors ?? []) params.append('match[]', selector.text);
  if (range.start !== undefined) params.set('start', seconds(range.start));
  if (range.end !== undefined) params.set('end', seconds(range.end));
  return params;
}
