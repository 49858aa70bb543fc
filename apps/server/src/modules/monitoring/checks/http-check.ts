import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckType, concluder, parseCheckConditions } from './check-executor';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  guardedLookup,
  literalRefusal,
} from './outbound-connection';

/** How an HTTP check authenticates; the secret never appears in an outcome. */
export type HttpCheckAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

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

/** Milliseconds of one request's phases; a phase that did not happen (no DNS for an address, no TLS) is absent. */
export interface HttpTimings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  /** From the connection being ready (TLS included) to the response's status line and headers. */
  firstByteMs?: number;
  /** From the start of this request to the end of its body (or its failure). */
  totalMs: number;
}

/** One request of a run: the first, or one after a redirect. */
export interface HttpHop {
  url: string;
  method: string;
  status?: number;
  address?: string;
  timings: HttpTimings;
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['STATUS', 'BODY', 'RESPONSE_TIME', 'CERTIFICATE_EXPIRATION', 'IP', 'CONNECTED'];
const DEFAULT_CONDITIONS = ['[STATUS] < 400'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** The default body cap: enough for any health endpoint, small enough that a target sending gigabytes costs nothing. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;
const MAX_REDIRECTS_LIMIT = 20;

function optionalBoolean(r: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new CheckConfigError(field, 'must be true or false');
  return value;
}

function optionalInteger(r: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckConfigError(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The check's authentication: `{type: "basic", username}` with the secret `password`, or `{type: "bearer"}` with the
 * secret `token` (given inline only by callers that hold no stored secrets, such as tests).
 */
function validateAuth(raw: unknown, secrets: Readonly<Record<string, string>>): HttpCheckAuth | undefined {
  if (raw === undefined) return undefined;
  const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const password = secrets.password ?? a.password;
  const token = secrets.token ?? a.token;
  if (a.type === 'basic' && typeof a.username === 'string' && typeof password === 'string') {
    if (a.username.includes(':')) throw new CheckConfigError('auth.username', 'may not contain a colon (basic auth separates with it)');
    return { type: 'basic', username: a.username, password };
  }
  if (a.type === 'bearer' && typeof token === 'string' && token !== '') return { type: 'bearer', token };
  throw new CheckConfigError(
    'auth',
    'must be {type: "basic", username} with the secret password, or {type: "bearer"} with the secret token',
  );
}

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): HttpCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.url !== 'string') throw new CheckConfigError('url', 'is required');
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw new CheckConfigError('url', `"${r.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CheckConfigError('url', 'must start with http:// or https://');
  // Credentials in a URL end up in logs and results; auth keeps them apart.
  if (url.username !== '' || url.password !== '') throw new CheckConfigError('url', 'may not hold credentials; use auth');
  const method = r.method === undefined ? 'GET' : String(r.method).toUpperCase();
  if (!METHODS.has(method)) throw new CheckConfigError('method', `must be one of ${[...METHODS].join(', ')}`);
  const headers: Record<string, string> = {};
  if (r.headers !== undefined) {
    if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers)) {
      throw new CheckConfigError('headers', 'must be an object of header names to values');
    }
    for (const [name, value] of Object.entries(r.headers)) {
      if (typeof value !== 'string') throw new CheckConfigError(`headers.${name}`, 'must be text');
      try {
        http.validateHeaderName(name);
        http.validateHeaderValue(name, value);
      } catch (err) {
        throw new CheckConfigError(`headers.${name}`, (err as Error).message);
      }
      headers[name] = value;
    }
  }
  if (r.body !== undefined && typeof r.body !== 'string') throw new CheckConfigError('body', 'must be text');
  if (r.body !== undefined && (method === 'GET' || method === 'HEAD')) throw new CheckConfigError('body', `is not sent with ${method}`);
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    url: url.href,
    method,
    headers,
    body: r.body as string | undefined,
    auth: validateAuth(r.auth, secrets),
    followRedirects: optionalBoolean(r, 'followRedirects', true),
    maxRedirects: optionalInteger(r, 'maxRedirects', 5, 0, MAX_REDIRECTS_LIMIT),
    maxBodyBytes: optionalInteger(r, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, 0, MAX_BODY_BYTES_LIMIT),
    verifyTls: optionalBoolean(r, 'verifyTls', true),
    conditionSources: sources,
    conditions: parsed,
  };
}

interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether a redirect response ends the hop without reading its body. */
  mayFollow: boolean;
  maxBodyBytes: number;
  verifyTls: boolean;
}

interface HopResult {
  hop: HttpHop;
  error?: unknown;
  connected: boolean;
  location?: string;
  body?: string;
  bodyBytes?: number;
  bodyTruncated?: boolean;
  /** Epoch ms at which the peer's certificate expires (HTTPS only). */
  certificateValidTo?: number;
}

/** The host of a URL as sockets take it: IPv6 literals without their brackets. */
function socketHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function defaultPort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Sends one request on a fresh connection, times its phases from socket events and reads its body up to the cap. */
function requestOnce(request: HopRequest, policy: CheckNetworkPolicy, signal: AbortSignal): Promise<HopResult> {
  const started = performance.now();
  const host = socketHost(request.url);
  const marks: { dns?: number; connect?: number; tls?: number; firstByte?: number } = {};
  const hop: HttpHop = { url: request.url.href, method: request.method, timings: { totalMs: 0 } };
  const timings = (): HttpTimings => {
    const ready = marks.tls ?? marks.connect;
    return {
      dnsMs: marks.dns === undefined ? undefined : marks.dns - started,
      connectMs: marks.connect === undefined ? undefined : marks.connect - (marks.dns ?? started),
      tlsMs: marks.tls === undefined || marks.connect === undefined ? undefined : marks.tls - marks.connect,
      firstByteMs: marks.firstByte === undefined || ready === undefined ? undefined : marks.firstByte - ready,
      totalMs: performance.now() - started,
    };
  };
  const refused = literalRefusal(host, policy);
  if (refused) return Promise.resolve({ hop, error: refused, connected: false });

  return new Promise((resolve) => {
    let settled = false;
    let certificateValidTo: number | undefined;
    const finish = (result: Omit<HopResult, 'hop' | 'connected'>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      hop.timings = timings();
      resolve({ ...result, hop, connected: marks.connect !== undefined, certificateValidTo });
    };
    const https_ = request.url.protocol === 'https:';
    const req = (https_ ? https : http).request({
      protocol: request.url.protocol,
      host,
      port: defaultPort(request.url),
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      // A fresh connection per request: its timings are real, and no pooled socket outlives the run.
      agent: false,
      lookup: guardedLookup(policy, () => {
        marks.dns = performance.now();
      }),
      rejectUnauthorized: request.verifyTls,
      servername: https_ && net.isIP(host) === 0 ? host : undefined,
    });
    const onAbort = () => finish({ error: signal.reason });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        marks.connect = performance.now();
        hop.address = socket.remoteAddress;
        // The lookup handed on only allowed addresses; this guards against the socket reaching any other.
        const refusal = hop.address ? addressRefusal(hop.address, policy.refused) : null;
        if (refusal) finish({ error: new DestinationRefusedError(host, hop.address!, refusal) });
      });
      if (https_) {
        socket.once('secureConnect', () => {
          marks.tls = performance.now();
          const validTo = (socket as TLSSocket).getPeerCertificate()?.valid_to;
          if (validTo) certificateValidTo = Date.parse(validTo);
        });
      }
    });
    req.on('error', (error) => finish({ error }));
    req.on('response', (res) => {
      marks.firstByte = performance.now();
      hop.status = res.statusCode;
      const location = res.headers.location;
      if (request.mayFollow && REDIRECTS.has(res.statusCode ?? 0) && location) return finish({ location });
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        const room = request.maxBodyBytes - bytes;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          bytes += room;
          finish({ body: Buffer.concat(chunks).toString('utf8'), bodyBytes: bytes, bodyTruncated: true });
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      });
      res.on('end', () => finish({ body: Buffer.concat(chunks).toString('utf8'), bodyBytes: bytes, bodyTruncated: false }));
      res.on('error', (error) => finish({ error: new Error(`the connection closed before the body ended (${error.message})`) }));
    });
    req.end(request.body);
  });
}

function authorization(auth: HttpCheckAuth): string {
  return auth.type === 'basic'
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
    : `Bearer ${auth.token}`;
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
      const hops: HttpHop[] = [];
      const details: Record<string, unknown> = { hops };
      let url = new URL(config.url);
      let method = config.method;
      let body = config.body;
      let headers = { ...config.headers };
      if (config.auth) headers.authorization = authorization(config.auth);
      const conclude = concluder(config.conditions, startedAt, signal, details);

      for (let redirects = 0; ; redirects++) {
        if (signal.aborted) return conclude({}, undefined);
        const result = await requestOnce(
          { url, method, headers, body, mayFollow: config.followRedirects, maxBodyBytes: config.maxBodyBytes, verifyTls: config.verifyTls },
          policy,
          signal,
        );
        hops.push(result.hop);
        details.timings = result.hop.timings;
        if (result.error !== undefined) {
          const failure = describeConnectionError(result.error, socketHost(url), defaultPort(url));
          return conclude(
            { connected: result.connected, ip: result.hop.address },
            redirects > 0 ? `${failure} (after ${redirects} redirects)` : failure,
          );
        }
        if (result.location !== undefined) {
          if (redirects >= config.maxRedirects) {
            return conclude(
              { connected: true, ip: result.hop.address },
              `More than ${config.maxRedirects} redirects (last to ${result.location})`,
            );
          }
          let next: URL;
          try {
            next = new URL(result.location, url);
          } catch {
            return conclude({ connected: true, ip: result.hop.address }, `Redirect to an invalid URL: ${result.location}`);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            return conclude({ connected: true, ip: result.hop.address }, `Redirect to a URL that is not HTTP(S): ${next.href}`);
          }
          const status = result.hop.status ?? 0;
          // As browsers do: 303 always, and 301/302 after a POST, become a GET without a body.
          if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
            headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-(type|length)$/i.test(name)));
          }
          // Credentials go only to the origin they were configured for.
          if (next.origin !== url.origin) {
            headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie)$/i.test(name)));
          }
          url = next;
          continue;
        }
        const responseTimeMs = performance.now() - startedAt;
        details.bodyBytes = result.bodyBytes;
        details.bodyTruncated = result.bodyTruncated;
        const context: CheckResultContext = {
          status: result.hop.status,
          body: result.body,
          responseTimeMs,
          connected: true,
          ip: result.hop.address,
          certificateExpiresInMs: result.certificateValidTo === undefined ? undefined : result.certificateValidTo - Date.now(),
        };
        if (result.certificateValidTo !== undefined) details.certificateValidTo = new Date(result.certificateValidTo).toISOString();
        const cut = result.bodyTruncated ? `; body cut at ${config.maxBodyBytes} bytes` : '';
        const outcome = conclude(context, undefined, `HTTP ${result.hop.status} in ${Math.round(responseTimeMs)} ms${cut}`);
        if (outcome.status === 'down' && result.bodyTruncated) outcome.message += ` (body cut at ${config.maxBodyBytes} bytes)`;
        return outcome;
      }
    },
  };
}
