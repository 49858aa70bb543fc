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
import { PromqlError } from './promql/errors';
import { parseDurationMs } from './promql/literals';
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

type ErrorType = 'bad_data' | 'execution' | 'timeout';
const STATUS: Record<ErrorType, number> = { bad_data: 400, execution: 422, timeout: 503 };

/** An answer in Prometheus' error envelope. */
class PromApiError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new PromApiError('bad_data', message);

const SECONDS = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A time as Prometheus takes it: Unix seconds with an optional fraction, or RFC 3339; in epoch ms. */
export function parseTime(name: string, text: string): number {
  let ms = Number.NaN;
  if (SECONDS.test(text)) ms = Math.round(Number(text) * 1000);
  else if (RFC3339.test(text)) ms = Date.parse(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw bad(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  }
  return ms;
}

/** A duration as Prometheus takes it: seconds with an optional fraction, or a duration such as 1m30s; in ms. */
export function parseStep(name: string, text: string): number {
  let ms = Number.NaN;
  if (SECONDS.test(text)) ms = Number(text) * 1000;
  else if (DURATION.test(text)) ms = parseDurationMs(text);
  if (!Number.isFinite(ms)) throw bad(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  return ms;
}

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
async function answer(reply: FastifyReply, pending: Promise<unknown>): Promise<unknown> {
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

/** Parses an application/x-www-form-urlencoded body; `match[]` is always a list, other repeated keys become lists. */
function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    if (seen === undefined) out[key] = key === 'match[]' ? [value] : value;
    else out[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { ...out };
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
    /** Prometheus answers these both as GET with a query string and as POST with a form body, the same way. */
    const getAndPost = <P>(
      get: { path: string; query: TSchema; response: TSchema },
      post: { path: string; body: TSchema; response: TSchema },
      summary: string,
      handle: (params: P) => Promise<unknown>,
    ) => {
      scope.get(get.path, { config, schema: { tags, summary, querystring: get.query, response: { 200: get.response } } }, (req, reply) =>
        answer(reply, handle(req.query as P)),
      );
      scope.post(
        post.path,
        { config, schema: { tags, summary: `${summary} (form)`, consumes: form, body: post.body, response: { 200: post.response } } },
        (req, reply) => answer(reply, handle(req.body as P)),
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

    const series = async (p: { 'match[]': string[]; start?: string | undefined; end?: string | undefined }) => {
      if (p['match[]'].length === 0) throw bad('no match[] parameter provided');
      const selectors = p['match[]'].map(parseMatch);
      return envelope(await backend.series(selectors, searchRange(p)));
    };
    getAndPost(R.promSeries, R.promSeriesPost, 'Find series', series);

    const labels = async (p: { 'match[]'?: string[] | undefined; start?: string | undefined; end?: string | undefined }) =>
      envelope(await backend.labelNames(p['match[]']?.map(parseMatch), searchRange(p)));
    getAndPost(R.promLabels, R.promLabelsPost, 'Label names', labels);
    scope.get(
      '/api/v1/label/:name/values',
      {
        config,
        schema: {
          tags,
          summary: 'Values of a label',
          params: R.promLabelValues.params,
          querystring: R.promLabelValues.query,
          response: { 200: R.promLabelValues.response },
        },
      },
      async (req) => {
        const { name } = req.params;
        if (!LABEL_NAME.test(name)) throw bad(`invalid label name: ${JSON.stringify(name)}`);
        return envelope(await backend.labelValues(name, req.query['match[]']?.map(parseMatch), searchRange(req.query)));
      },
    );

    scope.get(
      R.promMetadata.path,
      { config, schema: { tags, summary: 'Metric metadata', response: { 200: R.promMetadata.response } } },
      async () => envelope(await backend.metadata()),
    );
    scope.get(
      R.promBuildInfo.path,
      { config, schema: { tags, summary: 'Build information', response: { 200: R.promBuildInfo.response } } },
      async () => envelope(await backend.buildInfo()),
    );
  });
}
