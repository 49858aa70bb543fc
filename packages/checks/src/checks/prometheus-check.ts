import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ExpositionError, type ExpositionSample, expositionFormatOf, parseExposition } from '@estate/tsdb';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concluder, parseCheckConditions } from './check-executor';
import { authField, headersField, httpUrlField, optionalBoolean, optionalInteger } from './http-config';
import { authorization, defaultPort, exchange, type HttpAnswer, type HttpCheckAuth } from './http-request';
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY } from './outbound-connection';
import { type ScrapeTarget, scrapedSeries, scrapeReportSeries } from './scrape-series';

/** A Prometheus scrape check's configuration after validation, defaults filled. */
export interface PrometheusCheckConfig extends ScrapeTarget {
  url: string;
  headers: Record<string, string>;
  auth?: HttpCheckAuth;
  /** The most samples one scrape may serve; more fails the scrape and stores none (Prometheus' `sample_limit`). */
  sampleLimit: number;
  /** The most body bytes read, after decompression; a larger body fails the scrape (Prometheus' `body_size_limit`). */
  maxBodyBytes: number;
  followRedirects: boolean;
  verifyTls: boolean;
  conditionSources: string[];
  conditions: Condition[];
}

/** What a scrape asks for, as Prometheus does: OpenMetrics first, then the 0.0.4 text format, then anything. */
export const SCRAPE_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1';
export const DEFAULT_SAMPLE_LIMIT = 20_000;
export const DEFAULT_SCRAPE_BODY_BYTES = 8 * 1024 * 1024;
const SAMPLE_LIMIT_MAX = 200_000;
const SCRAPE_BODY_BYTES_MAX = 64 * 1024 * 1024;
/** Go's http client follows at most 10 redirects, and so does Prometheus. */
const MAX_REDIRECTS = 10;
const PLACEHOLDERS: readonly PlaceholderName[] = ['STATUS', 'RESPONSE_TIME', 'SAMPLES', 'METRIC', 'CONNECTED', 'IP'];
const DEFAULT_CONDITIONS = ['[STATUS] == 200'];
/** Headers the check sets itself: credentials go through `auth` (sealed), and it must be able to decode the body. */
const OWN_HEADERS = new Set(['authorization', 'accept-encoding']);
const gunzip = promisify(zlib.gunzip);

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): PrometheusCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  const url = httpUrlField(r);
  const headers = headersField(r);
  for (const name of Object.keys(headers)) {
    if (OWN_HEADERS.has(name.toLowerCase())) {
      throw new CheckConfigError(
        `headers.${name}`,
        'is set by the check itself; put credentials in auth, with the secret password or token',
      );
    }
  }
  const job = r.job === undefined ? 'prometheus-check' : r.job;
  if (typeof job !== 'string' || job.trim() === '' || job.length > 200) {
    throw new CheckConfigError('job', 'must be text of 1 to 200 characters (the job label of every scraped series)');
  }
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    url: url.href,
    headers,
    auth: authField(r.auth, secrets),
    job,
    instance: `${url.hostname}:${defaultPort(url)}`,
    honorLabels: optionalBoolean(r, 'honorLabels', false),
    honorTimestamps: optionalBoolean(r, 'honorTimestamps', true),
    sampleLimit: optionalInteger(r, 'sampleLimit', DEFAULT_SAMPLE_LIMIT, 1, SAMPLE_LIMIT_MAX),
    maxBodyBytes: optionalInteger(r, 'maxBodyBytes', DEFAULT_SCRAPE_BODY_BYTES, 1024, SCRAPE_BODY_BYTES_MAX),
    followRedirects: optionalBoolean(r, 'followRedirects', true),
    verifyTls: optionalBoolean(r, 'verifyTls', true),
    conditionSources: sources,
    conditions: parsed,
  };
}

type Read = { text: string; bytes: number } | { failure: string };

/** The body as text, gunzipped when the target compressed it, within the byte limit. */
async function bodyText(answer: HttpAnswer, maxBodyBytes: number): Promise<Read> {
  const tooLarge = `The body is larger than the limit of ${maxBodyBytes} bytes (maxBodyBytes)`;
  if (answer.bodyTruncated) return { failure: tooLarge };
  const body = answer.body ?? Buffer.alloc(0);
  const encoding = String(answer.headers?.['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return { text: body.toString('utf8'), bytes: body.length };
  if (encoding !== 'gzip' && encoding !== 'x-gzip')
    return { failure: `The target sent Content-Encoding "${encoding}"; a scrape reads gzip or none` };
  try {
    const inflated = await gunzip(body, { maxOutputLength: maxBodyBytes });
    return { text: inflated.toString('utf8'), bytes: inflated.length };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { failure: `${tooLarge} once decompressed` };
    return { failure: `The gzip body could not be decompressed: ${(err as Error).message}` };
  }
}

const FORMAT_NAMES = { openmetrics: 'OpenMetrics 1.0', 'prometheus-text': 'Prometheus text 0.0.4' } as const;

/**
 * The Prometheus scrape check: fetches a metrics endpoint as Prometheus does (content negotiation preferring
 * OpenMetrics, gzip, the outbound policy on every connection and redirect) and stores every sample it serves with
 * the `job` and `instance` labels, plus `up`, `scrape_duration_seconds` and `scrape_samples_scraped`. A scrape is all
 * or nothing: a non-200 answer, a malformed line, a body over `maxBodyBytes` or more samples than `sampleLimit` make
 * the run down with only the report series (`up` 0). Conditions see `[STATUS]`, `[RESPONSE_TIME]`, `[SAMPLES]`,
 * `[METRIC].name{label="value"}` (the stored labels), `[CONNECTED]` and `[IP]`.
 */
export function prometheusCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<PrometheusCheckConfig> {
  return {
    type: 'prometheus',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: ['password', 'token'],
    validate,
    target: (config) => config.url,
    async run(config, signal) {
      const startedAt = performance.now();
      const headers: Record<string, string> = { ...config.headers, 'accept-encoding': 'gzip' };
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'accept')) headers.accept = SCRAPE_ACCEPT;
      if (config.auth) headers.authorization = authorization(config.auth);
      const { maxBodyBytes, followRedirects, verifyTls } = config;
      const result = await exchange(
        { url: config.url, method: 'GET', headers, maxBodyBytes, followRedirects, maxRedirects: MAX_REDIRECTS, verifyTls },
        policy,
        signal,
      );
      const details: Record<string, unknown> = { hops: result.hops };
      const last = result.hops.at(-1);
      if (last) details.timings = last.timings;
      const conclude = concluder(config.conditions, startedAt, signal, details);
      const failed = (context: CheckResultContext, failure: string | undefined, samplesScraped = 0): CheckOutcome => {
        const durationSeconds = (performance.now() - startedAt) / 1000;
        const outcome = conclude(context, failure ?? 'The scrape did not finish');
        return { ...outcome, series: scrapeReportSeries({ up: false, durationSeconds, samplesScraped }, config) };
      };
      const { answer } = result;
      if (answer === undefined) return failed({ connected: result.connected, ip: result.ip }, result.failure);

      const responseTimeMs = performance.now() - startedAt;
      const context: CheckResultContext = { status: answer.hop.status, responseTimeMs, connected: true, ip: answer.hop.address };
      const contentType = answer.headers?.['content-type'];
      details.contentType = contentType;
      details.bodyBytes = answer.bodyBytes;
      if (answer.hop.status !== 200) return failed(context, `The target answered HTTP ${answer.hop.status}; a scrape needs 200`);
      const read = await bodyText(answer, maxBodyBytes);
      if ('failure' in read) return failed(context, read.failure);
      details.decodedBytes = read.bytes;

      const format = expositionFormatOf(contentType);
      details.format = format;
      let samples: ExpositionSample[];
      try {
        samples = parseExposition(read.text, format).samples;
      } catch (err) {
        if (!(err instanceof ExpositionError)) throw err;
        const foreign = contentType !== undefined && !/text\/plain|openmetrics-text/i.test(contentType);
        const hint = foreign ? ` (the target sent Content-Type ${contentType}: is url the metrics path?)` : '';
        return failed(context, `Malformed ${FORMAT_NAMES[format]} exposition, ${err.message}${hint}`);
      }
      details.samplesScraped = samples.length;
      if (samples.length > config.sampleLimit) {
        const failure = `Sample limit exceeded: the target served ${samples.length} samples, more than the limit of ${config.sampleLimit} (sampleLimit); none were stored`;
        return failed({ ...context, samplesScraped: samples.length }, failure, samples.length);
      }
      const series = scrapedSeries(samples, config);
      const durationSeconds = (performance.now() - startedAt) / 1000;
      const report = scrapeReportSeries({ up: true, durationSeconds, samplesScraped: samples.length }, config);
      const summary = `Scraped ${samples.length} samples (${FORMAT_NAMES[format]}) in ${Math.round(responseTimeMs)} ms`;
      const outcome = conclude({ ...context, samplesScraped: samples.length, metrics: series }, undefined, summary);
      return { ...outcome, series: [...series, ...report] };
    },
  };
}
