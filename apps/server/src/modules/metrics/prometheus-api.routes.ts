/*
 * Prometheus' HTTP query API, so that Grafana's Prometheus data source and promtool work against Estate unchanged.
 * The routes check access and parameters; a PromqlBackend answers (Estate's engine over the embedded store, or the
 * metrics backend's own PromQL API, ADR 0019). Answers use Prometheus' envelope, not problem+json, on purpose:
 * `{status:"success",data}`, or `{status:"error",errorType,error}` with 400 (bad_data), 422 (execution) or 503
 * (timeout; unavailable when the metrics backend cannot be reached); a backend's own refusals keep its status.
 * Access refusals (401/403) and transport errors (413, 415) stay problem+json, as they are answered before a route runs.
 */
import { PrometheusApiRoutes as R } from '@estate/contract';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { TSchema } from 'typebox';
import type { HttpServer } from '../../platform/http/http-server';
import {
  bad,
  type ErrorType,
  mergeForm,
  PromApiError,
  parseForm,
  parseLimit,
  parseSignedLimit,
  parseStep,
  parseTime,
  TRUNCATED,
} from './prometheus-api.params';
import { PromqlError } from './promql/errors';
import { formatPromql } from './promql/format';
import { parsePromql } from './promql/parse';
import {
  type PromqlAnswer,
  type PromqlBackend,
  PromqlBackendError,
  type SearchRange,
  SerializedData,
  type SeriesSelector,
} from './promql-backend';
import { MetricQueryError } from './store/metric-store';

const STATUS: Record<ErrorType, number> = { bad_data: 400, execution: 422, timeout: 503 };
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One `match[]` selector, checked to be a series selector. */
function parseMatch(text: string): SeriesSelector {
  const expr = parsePromql(text);
  if (expr.kind !== 'vectorSelector') throw bad(`invalid parameter "match[]": ${JSON.stringify(text)} is not a series selector`);
  return { text, matchers: expr.matchers };
}

/** A search's optional `start` and `end`, checked and parsed. */
function searchRange(p: { start?: string | undefined; end?: string | undefined }): SearchRange {
  return {
    start: p.start === undefined ? undefined : parseTime('start', p.start),
    end: p.end === undefined ? undefined : parseTime('end', p.end),
  };
}

const envelope = (answer: PromqlAnswer) => ({ status: 'success' as const, ...answer });

/**
 * Sends a handler's envelope: as it is, or — when its `data` was already written as JSON — as bytes put around that
 * JSON, so the serialiser never walks a large answer.
 */
async function sendAnswer(reply: FastifyReply, pending: Promise<unknown>): Promise<unknown> {
  const body = (await pending) as ReturnType<typeof envelope>;
  if (!(body.data instanceof SerializedData)) return body;
  const warnings = body.warnings ? `,"warnings":${JSON.stringify(body.warnings)}` : '';
  const bytes = Buffer.concat([Buffer.from('{"status":"success","data":'), ...body.data.json, Buffer.from(`${warnings}}`)]);
  return reply.type('application/json').send(bytes);
}

/** Sends a refusal in Prometheus' envelope; anything else is rethrown to the app's problem+json handler. */
function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof PromqlBackendError) {
    return reply.code(error.status).type('application/json').send({ status: 'error', errorType: error.errorType, error: error.message });
  }
  let errorType: ErrorType;
  let message: string;
  if (error instanceof PromApiError) [errorType, message] = [error.errorType, error.message];
  else if (error instanceof PromqlError) [errorType, message] = [error.errorType, error.message];
  else if (error instanceof MetricQueryError) [errorType, message] = ['bad_data', error.message];
  else if ((error as FastifyError).validation) [errorType, message] = ['bad_data', `invalid parameters: ${(error as Error).message}`];
  else throw error;
  return reply.code(STATUS[errorType]).type('application/json').send({ status: 'error', errorType, error: message });
}

/** Registers the API; its routes need `metrics:read` (Grafana and promtool use an API token). */
export function registerPrometheusApiRoutes(app: HttpServer, backend: PromqlBackend): void {
  // A scope of its own, so that the form parser and the Prometheus-shaped error answers apply to these routes only.
  app.register(async (scope: HttpServer) => {
    (scope as unknown as FastifyInstance).addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, parseForm(body as string)),
    );
    scope.setErrorHandler((error, _request, reply) => sendError(reply, error));

    const config = { permission: 'metrics:read' as const };
    const tags = ['metrics'];
    const form = ['application/x-www-form-urlencoded'];
    /**
     * Prometheus answers these both as GET with a query string and as POST with a form, the same way. A POST's
     * parameters are its body's and its URL's together, merged before the schema checks them.
     */
    const getAndPost = <P>(
      get: { path: string; params?: TSchema; query: TSchema; response: TSchema },
      post: { body: TSchema },
      summary: string,
      handle: (params: P, path: Record<string, string>) => Promise<unknown>,
    ) => {
      const params = get.params ? { params: get.params } : {};
      scope.get(
        get.path,
        { config, schema: { tags, summary, ...params, querystring: get.query, response: { 200: get.response } } },
        (req, reply) => sendAnswer(reply, handle(req.query as P, req.params as Record<string, string>)),
      );
      scope.post(
        get.path,
        {
          config,
          schema: { tags, summary: `${summary} (form)`, consumes: form, ...params, body: post.body, response: { 200: get.response } },
          preValidation: async (req) => {
            // Only a form (or no body) is merged; anything else (text/plain's string) is left for the schema to refuse.
            const body = req.body;
            if (body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body)))
              req.body = mergeForm(body, req.query);
          },
        },
        (req, reply) => sendAnswer(reply, handle(req.body as P, req.params as Record<string, string>)),
      );
    };

    const instant = async (p: { query: string; time?: string | undefined }) =>
      envelope(await backend.instant(p.query, p.time === undefined ? undefined : parseTime('time', p.time)));
    getAndPost(R.promQuery, R.promQueryPost, 'PromQL instant query', instant);

    const range = async (p: { query: string; start: string; end: string; step: string; estate_resolution?: string | undefined }) => {
      const resolution = p.estate_resolution ?? 'raw';
      if (resolution !== 'raw' && resolution !== 'auto') {
        throw bad(`invalid parameter "estate_resolution": ${JSON.stringify(resolution)} is not one of "raw", "auto"`);
      }
      const start = parseTime('start', p.start);
      const end = parseTime('end', p.end);
      if (end < start) throw bad('invalid parameter "end": end timestamp must not be before start time');
      const step = parseStep('step', p.step);
      if (!(step > 0))
        throw bad('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      return envelope(await backend.range(p.query, start, end, step, resolution));
    };
    getAndPost(R.promQueryRange, R.promQueryRangePost, 'PromQL range query', range);

    const exemplars = async (p: { query: string; start?: string | undefined; end?: string | undefined }) =>
      envelope(await backend.exemplars(p.query, searchRange(p)));
    getAndPost(R.promExemplars, R.promExemplarsPost, 'Exemplars of a query', exemplars);

    type Search = { 'match[]'?: string[] | undefined; start?: string | undefined; end?: string | undefined; limit?: string | undefined };
    const series = async (p: Search) => {
      const limit = parseLimit(p.limit);
      if (!p['match[]'] || p['match[]'].length === 0) throw bad('no match[] parameter provided');
      const selectors = p['match[]'].map(parseMatch);
      return envelope(truncate(await backend.series(selectors, searchRange(p)), limit));
    };
    getAndPost(R.promSeries, R.promSeriesPost, 'Find series', series);

    const labels = async (p: Search) => {
      const limit = parseLimit(p.limit);
      return envelope(truncate(await backend.labelNames(p['match[]']?.map(parseMatch), searchRange(p)), limit));
    };
    getAndPost(R.promLabels, R.promLabelsPost, 'Label names', labels);

    const labelValues = async (p: Search, { name }: Record<string, string>) => {
      if (!LABEL_NAME.test(name ?? '')) throw bad(`invalid label name: ${JSON.stringify(name)}`);
      const limit = parseLimit(p.limit);
      return envelope(truncate(await backend.labelValues(name as string, p['match[]']?.map(parseMatch), searchRange(p)), limit));
    };
    getAndPost(
      {
        path: '/api/v1/label/:name/values',
        params: R.promLabelValues.params,
        query: R.promLabelValues.query,
        response: R.promLabelValues.response,
      },
      R.promLabelValuesPost,
      'Values of a label',
      labelValues,
    );

    const metadata = async (p: { metric?: string | undefined; limit?: string | undefined; limit_per_metric?: string | undefined }) => {
      const limit = parseSignedLimit('limit', p.limit, -1);
      const perMetric = parseSignedLimit('limit_per_metric', p.limit_per_metric, -1);
      const answer = await backend.metadata();
      return envelope({ ...answer, data: narrowMetadata(answer.data, p.metric, limit, perMetric) });
    };
    getAndPost(R.promMetadata, R.promMetadataPost, 'Metric metadata', metadata);

    getAndPost(R.promBuildInfo, R.promBuildInfoPost, 'Build information', async () => envelope(await backend.buildInfo()));

    // Estate's own parser answers, whichever backend evaluates: the canonical spelling is PromQL's, not a backend's.
    const format = async (p: { query: string }) => envelope({ data: formatPromql(parsePromql(p.query)) });
    getAndPost(R.promFormatQuery, R.promFormatQueryPost, 'Format a PromQL query', format);
  });
}

/** Cuts a list answer to `limit` entries (0: all), with Prometheus' warning when something was cut. */
function truncate(answer: PromqlAnswer, limit: number): PromqlAnswer {
  if (limit === 0 || !Array.isArray(answer.data) || answer.data.length <= limit) return answer;
  return { data: answer.data.slice(0, limit), warnings: [...(answer.warnings ?? []), TRUNCATED] };
}

/**
 * Metadata as Prometheus narrows it: one `metric` only; at most `limit` metrics (negative: all, 0: none), in name
 * order; at most `perMetric` descriptions of each (0 or negative: all).
 */
function narrowMetadata(data: unknown, metric: string | undefined, limit: number, perMetric: number): unknown {
  if (typeof data !== 'object' || data === null) return data;
  // A Map, then fromEntries: a key such as `__proto__` stays a key.
  const out = new Map<string, unknown>();
  const names = Object.keys(data).sort();
  for (const name of metric === undefined || metric === '' ? names : names.filter((n) => n === metric)) {
    if (limit >= 0 && out.size >= limit) break;
    const entries = (data as Record<string, unknown>)[name];
    out.set(name, perMetric > 0 && Array.isArray(entries) ? entries.slice(0, perMetric) : entries);
  }
  return Object.fromEntries(out);
}
