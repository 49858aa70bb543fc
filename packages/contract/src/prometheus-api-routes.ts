import {
  PromExemplarsQuery,
  PromFormatQuery,
  PromInstantQuery,
  PromLabelName,
  PromLabelsQuery,
  PromMetadataQuery,
  PromNoQuery,
  PromRangeQuery,
  PromSeriesQuery,
  PromSuccess,
} from './prometheus-api';
import { route } from './route';

/**
 * Prometheus' query API over Estate's metric store. Each endpoint is GET with a query string or POST with the same
 * parameters as an application/x-www-form-urlencoded body, in the URL, or both (the body's first), as Prometheus
 * reads a form. Prometheus serves label values, metadata and build information by GET only and answers a POST 405;
 * Estate answers those POSTs too, because Grafana's backend sends them when its data source is set to POST.
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
  promLabelValuesPost: route('POST', '/api/v1/label/{name}/values', {
    params: PromLabelName,
    body: PromLabelsQuery,
    response: PromSuccess,
  }),
  promMetadata: route('GET', '/api/v1/metadata', { query: PromMetadataQuery, response: PromSuccess }),
  promMetadataPost: route('POST', '/api/v1/metadata', { body: PromMetadataQuery, response: PromSuccess }),
  promBuildInfo: route('GET', '/api/v1/status/buildinfo', { query: PromNoQuery, response: PromSuccess }),
  promBuildInfoPost: route('POST', '/api/v1/status/buildinfo', { body: PromNoQuery, response: PromSuccess }),
  /** The query in Prometheus' canonical spelling (`data` is a string); a query that does not parse is bad_data. */
  promFormatQuery: route('GET', '/api/v1/format_query', { query: PromFormatQuery, response: PromSuccess }),
  promFormatQueryPost: route('POST', '/api/v1/format_query', { body: PromFormatQuery, response: PromSuccess }),
  /** Prometheus remote_write 1.0 or 2.0: a snappy-compressed protobuf body, answered 204 with no body. */
  promWrite: route('POST', '/api/v1/write', { status: 204 }),
} as const;
