import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DestinationRefusedError,
  describeConnectionError,
  guardedLookup,
  literalRefusal,
} from './outbound-connection';

/** How an HTTP-speaking check authenticates; the secret never appears in an outcome. */
export type HttpCheckAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

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

/** What to send, and how much of the answer to read. */
export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether a redirect response ends the request without reading its body. */
  mayFollow: boolean;
  /** The most body bytes read; the rest is not read and the connection is closed. */
  maxBodyBytes: number;
  verifyTls: boolean;
}

/** What one request got: an error, a redirect to follow, or a response with its (capped) body as bytes. */
export interface HttpAnswer {
  hop: HttpHop;
  error?: unknown;
  connected: boolean;
  location?: string;
  headers?: http.IncomingHttpHeaders;
  body?: Buffer;
  bodyBytes?: number;
  bodyTruncated?: boolean;
  /** Epoch ms at which the peer's certificate expires (HTTPS only). */
  certificateValidTo?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The host of a URL as sockets take it: IPv6 literals without their brackets. */
export function socketHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The port a URL names, or its scheme's. */
export function defaultPort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** The Authorization header value for `auth`. */
export function authorization(auth: HttpCheckAuth): string {
  return auth.type === 'basic'
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
    : `Bearer ${auth.token}`;
}

/** Sends one request on a fresh connection, times its phases from socket events and reads its body up to the cap. */
export function requestOnce(request: HttpRequest, policy: CheckNetworkPolicy, signal: AbortSignal): Promise<HttpAnswer> {
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
    const finish = (result: Omit<HttpAnswer, 'hop' | 'connected'>) => {
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
        const refusal = hop.address ? addressRefusal(hop.address, policy) : null;
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
      const headers = res.headers;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        const room = request.maxBodyBytes - bytes;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          bytes += room;
          finish({ headers, body: Buffer.concat(chunks), bodyBytes: bytes, bodyTruncated: true });
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      });
      res.on('end', () => finish({ headers, body: Buffer.concat(chunks), bodyBytes: bytes, bodyTruncated: false }));
      res.on('error', (error) => finish({ error: new Error(`the connection closed before the body ended (${error.message})`) }));
    });
    req.end(request.body);
  });
}

/** What {@link exchange} sends first, and how it follows redirects. */
export interface HttpExchangeRequest extends Omit<HttpRequest, 'url' | 'mayFollow'> {
  url: string;
  followRedirects: boolean;
  /** The most redirects followed; one more is a failure. */
  maxRedirects: number;
}

/**
 * How an exchange ended: `answer` is the final response, or `failure` says why there is none (with what the
 * conditions may still see: whether a connection was made, and to which address). Neither is set when the signal
 * stopped it between requests.
 */
export interface HttpExchange {
  hops: HttpHop[];
  answer?: HttpAnswer;
  failure?: string;
  connected?: boolean;
  ip?: string;
}

/**
 * Sends a request and follows its redirects up to `maxRedirects`. Every request goes on a fresh connection whose
 * address the outbound policy checks after DNS resolution; as browsers do, a 303 (and a 301/302 after a POST)
 * becomes a GET without a body, and credentials go only to the origin they were configured for. Resolves, never
 * rejects.
 */
export async function exchange(request: HttpExchangeRequest, policy: CheckNetworkPolicy, signal: AbortSignal): Promise<HttpExchange> {
  const hops: HttpHop[] = [];
  let url = new URL(request.url);
  let { method, body, headers } = request;
  for (let redirects = 0; ; redirects++) {
    if (signal.aborted) return { hops };
    const { maxBodyBytes, verifyTls } = request;
    const answer = await requestOnce(
      { url, method, headers, body, mayFollow: request.followRedirects, maxBodyBytes, verifyTls },
      policy,
      signal,
    );
    hops.push(answer.hop);
    if (answer.error !== undefined) {
      const failure = describeConnectionError(answer.error, socketHost(url), defaultPort(url));
      return {
        hops,
        failure: redirects > 0 ? `${failure} (after ${redirects} redirects)` : failure,
        connected: answer.connected,
        ip: answer.hop.address,
      };
    }
    if (answer.location === undefined) return { hops, answer, connected: true, ip: answer.hop.address };
    const redirected = (failure: string): HttpExchange => ({ hops, failure, connected: true, ip: answer.hop.address });
    if (redirects >= request.maxRedirects) return redirected(`More than ${request.maxRedirects} redirects (last to ${answer.location})`);
    let next: URL;
    try {
      next = new URL(answer.location, url);
    } catch {
      return redirected(`Redirect to an invalid URL: ${answer.location}`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return redirected(`Redirect to a URL that is not HTTP(S): ${next.href}`);
    const status = answer.hop.status ?? 0;
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-(type|length)$/i.test(name)));
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie)$/i.test(name)));
    }
    url = next;
  }
}
