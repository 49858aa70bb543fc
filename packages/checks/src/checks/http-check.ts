import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckType, concluder, parseCheckConditions } from './check-executor';
import { authField, headersField, httpUrlField, optionalBoolean, optionalInteger } from './http-config';
import { authorization, exchange, type HttpCheckAuth } from './http-request';
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY } from './outbound-connection';

export type { HttpCheckAuth, HttpHop, HttpTimings } from './http-request';

/** An HTTP(S) check's configuration after validation, defaults filled. */
export interface HttpCheckConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  auth?: HttpCheckAuth;
  followRedirects: boolean;
  /** The most redirects followed; one more is a failure. */
  maxRedirects: number;
  /** The most body bytes read; the rest is not read and the connection is closed. */
  maxBodyBytes: number;
  /** Whether the server's certificate must be valid for its name (default true). */
  verifyTls: boolean;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['STATUS', 'BODY', 'RESPONSE_TIME', 'CERTIFICATE_EXPIRATION', 'IP', 'CONNECTED'];
const DEFAULT_CONDITIONS = ['[STATUS] < 400'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The default body cap: enough for any health endpoint, small enough that a target sending gigabytes costs nothing. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;
const MAX_REDIRECTS_LIMIT = 20;

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): HttpCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  const url = httpUrlField(r);
  const method = r.method === undefined ? 'GET' : String(r.method).toUpperCase();
  if (!METHODS.has(method)) throw new CheckConfigError('method', `must be one of ${[...METHODS].join(', ')}`);
  const headers = headersField(r);
  if (r.body !== undefined && typeof r.body !== 'string') throw new CheckConfigError('body', 'must be text');
  if (r.body !== undefined && (method === 'GET' || method === 'HEAD')) throw new CheckConfigError('body', `is not sent with ${method}`);
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    url: url.href,
    method,
    headers,
    body: r.body as string | undefined,
    auth: authField(r.auth, secrets),
    followRedirects: optionalBoolean(r, 'followRedirects', true),
    maxRedirects: optionalInteger(r, 'maxRedirects', 5, 0, MAX_REDIRECTS_LIMIT),
    maxBodyBytes: optionalInteger(r, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, 0, MAX_BODY_BYTES_LIMIT),
    verifyTls: optionalBoolean(r, 'verifyTls', true),
    conditionSources: sources,
    conditions: parsed,
  };
}

/**
 * The HTTP(S) check. Each request goes on a fresh connection whose address the outbound policy checks after DNS
 * resolution, and again for every redirect; the body is read up to `maxBodyBytes` and the rest left unread. The
 * conditions see the final response: `[STATUS]`, `[BODY]`, `[RESPONSE_TIME]` (all hops, bodies included),
 * `[CERTIFICATE_EXPIRATION]` (HTTPS), `[IP]` and `[CONNECTED]`.
 */
export function httpCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<HttpCheckConfig> {
  return {
    type: 'http',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: ['password', 'token'],
    validate,
    target: (config) => config.url,
    async run(config, signal) {
      const startedAt = performance.now();
      const headers = { ...config.headers };
      if (config.auth) headers.authorization = authorization(config.auth);
      const result = await exchange({ ...config, headers }, policy, signal);
      const details: Record<string, unknown> = { hops: result.hops };
      const conclude = concluder(config.conditions, startedAt, signal, details);
      const last = result.hops.at(-1);
      if (last) details.timings = last.timings;
      const { answer } = result;
      if (answer === undefined) return conclude({ connected: result.connected, ip: result.ip }, result.failure);

      const responseTimeMs = performance.now() - startedAt;
      details.bodyBytes = answer.bodyBytes;
      details.bodyTruncated = answer.bodyTruncated;
      const context: CheckResultContext = {
        status: answer.hop.status,
        body: answer.body?.toString('utf8'),
        responseTimeMs,
        connected: true,
        ip: answer.hop.address,
        certificateExpiresInMs: answer.certificateValidTo === undefined ? undefined : answer.certificateValidTo - Date.now(),
      };
      if (answer.certificateValidTo !== undefined) details.certificateValidTo = new Date(answer.certificateValidTo).toISOString();
      const cut = answer.bodyTruncated ? `; body cut at ${config.maxBodyBytes} bytes` : '';
      const outcome = conclude(context, undefined, `HTTP ${answer.hop.status} in ${Math.round(responseTimeMs)} ms${cut}`);
      if (outcome.status === 'down' && answer.bodyTruncated) outcome.message += ` (body cut at ${config.maxBodyBytes} bytes)`;
      return outcome;
    },
  };
}
