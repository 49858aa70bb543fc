/*
 * `POST /api/v1/write`: Prometheus remote_write 1.0 and 2.0 into the metric store, for an API token with the
 * `metrics:write` scope. The answer comes after the samples are durable. Every answer carries the 2.0
 * `X-Prometheus-Remote-Write-*-Written` headers. 204 when everything was stored; 400 (problem+json, one error per
 * refused series) when some was not, so the sender drops rather than retries it; 415 for a version or encoding Estate
 * does not take (a 2.0 sender then falls back to 1.0); 503 when the store failed and nothing was stored, which a
 * sender retries. Samples are telemetry, not changes: they are counted in Estate's own /metrics, not audited.
 */
import { ProblemType, PrometheusApiRoutes as R } from '@estate/contract';
import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { HttpServer } from '../../platform/http/http-server';
import { HttpProblem, problems } from '../../platform/http/problem';
import { plural } from '../../platform/plural';
import { KnownLabelSets } from './remote-write-label-sets';
import {
  type AcceptWindow,
  checkLabels,
  decodeRemoteWrite,
  metadataOf,
  RemoteWriteError,
  receiveRemoteWrite,
  remoteWriteVersion,
} from './remote-write-receiver';
import type { MetricMetadataStore } from './store/metric-metadata';
import type { MetricStore } from './store/metric-store';

/** The largest compressed body taken; the decompressed message is capped at 32 MiB by the snappy decoder. */
export const REMOTE_WRITE_BODY_LIMIT = 16 * 1024 * 1024;
/** How far ahead of the server's clock a sample may be. */
const FUTURE_GRACE_MS = 10 * 60_000;
/** Refused series named in one answer; the rest are counted. */
const REFUSALS_LISTED = 20;

export interface RemoteWriteRouteOptions {
  /** Days the raw tier keeps samples: an older sample is refused. */
  rawRetentionDays: number;
  now?: () => number;
  /** Estate's own registry, for the samples-received counter. */
  registry?: Registry;
  /** Where the metadata senders describe their families with is kept (the embedded store's; none for a backend). */
  metadata?: MetricMetadataStore;
}

export function registerRemoteWriteRoute(app: HttpServer, store: MetricStore, options: RemoteWriteRouteOptions): void {
  const now = options.now ?? Date.now;
  const received = new Counter({
    name: 'estate_remote_write_samples_total',
    help: 'Samples received over remote_write, by outcome (written, refused)',
    labelNames: ['outcome'],
    registers: options.registry ? [options.registry] : [],
  });
  // The label sets senders write, remembered across requests: a known series is not decoded and checked again.
  const known = new KnownLabelSets(checkLabels);

  app.register(async (scope: HttpServer) => {
    // Every body stays bytes here, whatever its type: the handler names what it takes (415) instead of the JSON
    // parser refusing a body it was never meant to read.
    const fastify = scope as unknown as FastifyInstance;
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REMOTE_WRITE_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(
      R.promWrite.path,
      {
        config: { permission: 'metrics:write' },
        bodyLimit: REMOTE_WRITE_BODY_LIMIT,
        schema: {
          tags: ['metrics'],
          summary: 'Prometheus remote_write 1.0 or 2.0 (protobuf, snappy; the version by Content-Type)',
          consumes: ['application/x-protobuf'],
        },
      },
      async (request, reply) => {
        const written = (samples: number) => ({
          'x-prometheus-remote-write-samples-written': String(samples),
          'x-prometheus-remote-write-histograms-written': '0',
          'x-prometheus-remote-write-exemplars-written': '0',
        });
        let outcome: Awaited<ReturnType<typeof receiveRemoteWrite>>;
        let decoded: ReturnType<typeof decodeRemoteWrite>;
        try {
          const version = remoteWriteVersion(request.headers['content-type']);
          const body = request.body as Buffer;
          decoded = decodeRemoteWrite(body, version, request.headers['content-encoding'] as string | undefined, known);
          const at = now();
          const window: AcceptWindow = { oldest: at - options.rawRetentionDays * 86_400_000, newest: at + FUTURE_GRACE_MS };
          try {
            outcome = await receiveRemoteWrite(store, decoded, window);
          } catch (err) {
            request.log.error({ err }, 'remote_write: the metric store failed; nothing of the request was stored');
            throw new HttpProblem(
              503,
              ProblemType.unavailable,
              'Metric store unavailable',
              'The samples could not be stored and none of them were; send the request again.',
              undefined,
              { ...written(0), 'retry-after': '5' },
            );
          }
        } catch (err) {
          if (err instanceof RemoteWriteError) {
            const problem = err.status === 415 ? unsupported(err.message) : problems.validation(err.message);
            throw new HttpProblem(problem.status, problem.type, problem.title, problem.detail, undefined, written(0));
          }
          throw err;
        }
        // The samples are stored whatever happens to their description: a failure here is logged, not answered.
        await options.metadata?.record(metadataOf(decoded)).catch((err: unknown) => {
          request.log.warn({ err }, 'remote_write: the metric metadata could not be stored');
        });
        received.inc({ outcome: 'written' }, outcome.samplesWritten);
        received.inc({ outcome: 'refused' }, outcome.notWritten.samples);
        const { samples, histograms, exemplars } = outcome.notWritten;
        if (outcome.refused.length === 0 && histograms === 0) return reply.code(204).headers(written(outcome.samplesWritten)).send();

        const parts = [
          samples > 0 ? `${plural(samples, 'sample')} of ${plural(outcome.refusedSeries, 'series', 'series')} refused` : '',
          histograms > 0 ? `${plural(histograms, 'native histogram')} not stored (Estate stores float samples only)` : '',
          exemplars > 0 ? `${plural(exemplars, 'exemplar')} dropped` : '',
        ].filter(Boolean);
        const errors = outcome.refused.slice(0, REFUSALS_LISTED).map((r) => ({
          path: `/timeseries/${r.series}`,
          message: `${r.reason}: ${r.message}${r.samples > 1 ? ` (${plural(r.samples, 'sample')})` : ''}`,
        }));
        const detail = `${plural(outcome.samplesWritten, 'sample')} stored; ${parts.join('; ')}.`;
        throw new HttpProblem(400, ProblemType.validation, 'Some samples were not stored', detail, errors, written(outcome.samplesWritten));
      },
    );
  });
}

function unsupported(detail: string): HttpProblem {
  return new HttpProblem(415, ProblemType.unsupportedMediaType, 'Unsupported media type', detail);
}
