import Type, { type Static } from 'typebox';

/*
 * Prometheus' HTTP query API (https://prometheus.io/docs/prometheus/latest/querying/api/), served over Estate's
 * metric store so that Grafana's Prometheus data source and promtool work against Estate unchanged. Parameters are
 * text as Prometheus takes them (a time is RFC 3339 or Unix seconds with a fraction; a step is a duration or
 * seconds); the server parses them and answers Prometheus' envelope, not problem+json, on a bad value.
 * Unknown parameters are allowed: clients send Prometheus' others (`timeout`, `limit`, `stats`).
 */

const Text = Type.String({ maxLength: 65_536 });
const Matches = Type.Array(Text, { maxItems: 64 });

/** Parameters of an instant query. */
export const PromInstantQuery = Type.Object({ query: Text, time: Type.Optional(Text) });
export type PromInstantQuery = Static<typeof PromInstantQuery>;

/**
 * Parameters of a range query. `estate_resolution` is Estate's extension: `raw` (the default) answers from raw
 * samples, exactly as Prometheus; `auto` reads the 5-minute or 1-hour rollups where the step is at least a bucket
 * and they answer the query's functions (max/min/sum/count/avg_over_time exactly over windows of whole buckets;
 * instant selectors, last_over_time, rate, increase, irate, delta and deriv from each bucket's last sample), and
 * where raw samples are past their retention. Any other value is refused as bad_data.
 */
export const PromRangeQuery = Type.Object({
  query: Text,
  start: Text,
  end: Text,
  step: Text,
  estate_resolution: Type.Optional(Text),
});
export type PromRangeQuery = Static<typeof PromRangeQuery>;

/** Parameters of an exemplar search: a PromQL query and a time range. */
export const PromExemplarsQuery = Type.Object({ query: Text, start: Type.Optional(Text), end: Type.Optional(Text) });
export type PromExemplarsQuery = Static<typeof PromExemplarsQuery>;

/**
 * The most entries a search answers (`limit`, a non-negative integer; 0 or absent: all). A longer answer is cut and
 * carries the warning "results truncated due to limit", as Prometheus answers it.
 */
const Limit = Type.Optional(Text);

/** Parameters of a series search: at least one `match[]`, an optional time range and `limit`. */
export const PromSeriesQuery = Type.Object({
  'match[]': Matches,
  start: Type.Optional(Text),
  end: Type.Optional(Text),
  limit: Limit,
});
export type PromSeriesQuery = Static<typeof PromSeriesQuery>;

/** Parameters of a label name or value search: optional `match[]`, time range and `limit`. */
export const PromLabelsQuery = Type.Object({
  'match[]': Type.Optional(Matches),
  start: Type.Optional(Text),
  end: Type.Optional(Text),
  limit: Limit,
});
export type PromLabelsQuery = Static<typeof PromLabelsQuery>;

/**
 * Parameters of a metadata search: one `metric` only, at most `limit` metrics (negative: all) and at most
 * `limit_per_metric` descriptions of each (0 or negative: all), as Prometheus takes them.
 */
export const PromMetadataQuery = Type.Object({
  metric: Type.Optional(Text),
  limit: Type.Optional(Text),
  limit_per_metric: Type.Optional(Text),
});
export type PromMetadataQuery = Static<typeof PromMetadataQuery>;

/** The parameter of `format_query`: a PromQL expression, answered in Prometheus' canonical spelling. */
export const PromFormatQuery = Type.Object({ query: Text });
export type PromFormatQuery = Static<typeof PromFormatQuery>;

/** No parameters (build information); any sent are ignored, as Prometheus ignores them. */
export const PromNoQuery = Type.Object({});

export const PromLabelName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 1024 }) });

/** Prometheus' success envelope; `data` is shaped per endpoint as Prometheus documents it. */
export const PromSuccess = Type.Object({
  status: Type.Literal('success'),
  data: Type.Unknown(),
  warnings: Type.Optional(Type.Array(Type.String())),
});
export type PromSuccess = Static<typeof PromSuccess>;

/** Prometheus' error envelope (400 bad_data, 422 execution, 503 timeout). */
export const PromFailure = Type.Object({
  status: Type.Literal('error'),
  errorType: Type.String(),
  error: Type.String(),
});
export type PromFailure = Static<typeof PromFailure>;
