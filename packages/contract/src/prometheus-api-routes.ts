import {
  PromExemplarsQuery,
  PromInstantQuery,
  PromLabelName,
  PromLabelsQuery,
  PromRangeQuery,
  PromSeriesQuery,
  PromSuccess,
} from './prometheus-api';
import { route } from './route';

/**
 * Prometheus' query API over Estate's metric store. Each search is GET with a query string or POST with the same
 * parameters as an application/x-www-form-urlencoded body, as Prometheus serves it.
 */
export const PrometheusApiRoutes = {
  promQuery: route('GET', '/api/v1/query', { query: PromInstantQuery, response: PromSuccess }),
  promQueryPost: route('POST', '/api/v1/query', { body: PromInstantQuery, response: PromSuccess }),
  promQueryRange: route('GET', '/api/v1/query_range', { query: PromRangeQuery, response: PromSuccess }),
  promQueryRangePost: route('POST', '/api/v1/query_range', { body: PromRangeQuery, response: PromSuccess }),
  promExemplars: route('GET', '/api/v1/query_exemplars', { query: PromExemplarsQuery, response: PromSuccess }),
  promExemplarsPost: route('POST', '/api/v1/query_exemplars', { body: PromExemplarsQuery, response: PromSuccess }),
  promSeries: route('GET', '/api/v1/series', { query: PromSeriesQuery, response: PromSuccess }),
  promSeriesPost: route('POST', '/api/v1/series', { body: PromSeriesQuery, response: PromSuccess }),
  promLabels: route('GET', '/api/v1/labels', { query: PromLabelsQuery, response: PromSuccess }),
  promLabelsPost: route('POST', '/api/v1/labels', { body: PromLabelsQuery, response: PromSuccess }),
  promLabelValues: route('GET', '/api/v1/label/{name}/values', {
    params: PromLabelName,
    query: PromLabelsQuery,
    response: PromSuccess,
  }),
  promMetadata: route('GET', '/api/v1/metadata', { response: PromSuccess }),
  promBuildInfo: route('GET', '/api/v1/status/buildinfo', { response: PromSuccess }),
  /** Prometheus remote_write 1.0 or 2.0: a snappy-compressed protobuf body, answered 204 with no body. */
  promWrite: route('POST', '/api/v1/write', { status: 204 }),
} as const;
