/*
 * Channels' HTTP client: one request, no redirects followed, through Estate's outbound policy. The policy is judged
 * on the addresses a name resolves to (a refused address is never handed to the socket) and again on the address
 * the socket reached, so neither DNS rebinding nor an address literal in any IPv6 spelling gets past it.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  type AddressResolver,
  addressRefusal,
  type CheckNetworkPolicy,
  type DestinationClass,
  DestinationRefusedError,
  guardedLookup,
  literalRefusal,
  systemResolver,
} from '@estate/checks';
import ipaddr from 'ipaddr.js';

/**
 * Where channels' connections may go: the checks' outbound policy (the same classes, resolution and refusals), with
 * stricter defaults and CIDR ranges an administrator allowed.
 */
export type ChannelNetworkPolicy = CheckNetworkPolicy & { allowedRanges: readonly string[] };

/** Notification targets reach only public addresses unless allowed: loopback, private and link-local included. */
export const CHANNEL_REFUSED_BY_DEFAULT: ReadonlySet<DestinationClass> = new Set<DestinationClass>([
  'unspecified',
  'multicast',
  'reserved',
  'linkLocal',
  'cloudMetadata',
  'loopback',
  'private',
]);

/**
 * The channels' policy with what an administrator allowed lifted: whole classes (`loopback`, `private`, …) and
 * CIDR ranges. Throws on a range that does not parse.
 */
export function channelNetworkPolicy(
  allow: { classes?: readonly DestinationClass[]; ranges?: readonly string[] } = {},
  resolve: AddressResolver = systemResolver,
): ChannelNetworkPolicy {
  const ranges = allow.ranges ?? [];
  for (const range of ranges) ipaddr.parseCIDR(range);
  const classes = allow.classes ?? [];
  return { refused: new Set([...CHANNEL_REFUSED_BY_DEFAULT].filter((c) => !classes.includes(c))), allowedRanges: ranges, resolve };
}

/** One request a channel renders. `url` and headers may hold secrets: never log them (see {@link describeTarget}). */
export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back: status, headers, and the body's first {@link MAX_RESPONSE_BYTES} bytes as text. */
export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Response bytes read: enough for a provider's id or error, never a whole page. */
export const MAX_RESPONSE_BYTES = 65_536;

/** A request target as a log or verdict may show it: scheme, host and port only (paths and queries carry keys). */
export function describeTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Sends one request on a fresh connection and reads up to {@link MAX_RESPONSE_BYTES} of the answer. Rejects with a
 * {@link DestinationRefusedError} (nothing was sent), with a network error (code set, ECONNREFUSED, ENOTFOUND, …),
 * or with `signal.reason` when it aborts. Redirects are answers, not followed.
 */
export function sendOutbound(request: OutboundRequest, policy: ChannelNetworkPolicy, signal: AbortSignal): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`unsupported scheme ${url.protocol}`));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = literalRefusal(host, policy);
  if (literal) return Promise.reject(literal);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, response?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (response) resolve(response);
      else reject(error);
    };
    const lookup = guardedLookup(policy, () => undefined);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const req = (url.protocol === 'https:' ? https : http).request({
      host,
      port: url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: false,
      lookup,
      servername: url.protocol === 'https:' && net.isIP(host) === 0 ? host : undefined,
    });
    const onAbort = () => finish(signal.reason);
    if (signal.aborted) return finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        // The lookup handed on only allowed addresses; this guards against the socket reaching any other.
        const reached = socket.remoteAddress;
        const refusal = reached ? addressRefusal(reached, policy) : null;
        if (refusal && reached) finish(new DestinationRefusedError(host, reached, refusal));
      });
    });
    req.on('error', (error) => finish(error));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        if (bytes >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - bytes));
        bytes += chunk.length;
        if (bytes >= MAX_RESPONSE_BYTES) done();
      });
      res.on('end', done);
      res.on('error', (error) => finish(error));
    });
    req.end(body);
  });
}
