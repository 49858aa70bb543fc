/*
 * Channels' HTTP client: one request, no redirects followed, through Estate's outbound policy. The policy is judged
 * on the addresses a name resolves to (a refused address is never handed to the socket) and again on the address
 * the socket reached, so neither DNS rebinding nor an address literal in any IPv6 spelling gets past it.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type DestinationClass, destinationRefusal, type Refusal } from '@estate/checks';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to its addresses; rejects with the resolver's error (ENOTFOUND, EAI_AGAIN, …). */
export type AddressResolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** Where channels' connections may go: refused destination classes, CIDR ranges allowed anyway, and the resolver. */
export interface ChannelNetworkPolicy {
  refused: ReadonlySet<DestinationClass>;
  /** CIDR ranges an administrator allowed even though their class is refused (e.g. the mail relay `10.1.2.3/32`). */
  allowedRanges: readonly string[];
  resolve: AddressResolver;
}

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

/** The operating system's resolver (getaddrinfo). */
export const systemResolver: AddressResolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

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

/** An outbound connection the policy refused; nothing was sent. */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATIONREFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly refusal: Refusal,
  ) {
    super(`the outbound policy refuses ${host === address ? address : `${host} (${address})`}: ${refusal.what}`);
    this.name = 'DestinationRefusedError';
  }
}

function inAllowedRange(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly string[]): boolean {
  const plain =
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  return ranges.some((text) => {
    const range = ipaddr.parseCIDR(text);
    return range[0].kind() === plain.kind() && plain.match(range);
  });
}

/** Why `policy` refuses the address `address`, or null when it may be reached (non-addresses: null). */
export function addressRefusal(address: string, policy: ChannelNetworkPolicy): Refusal | null {
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  if (inAllowedRange(parsed, policy.allowedRanges)) return null;
  return destinationRefusal(parsed, policy.refused);
}

/**
 * Resolves `host` (a name or an address literal) to the first address the policy allows. Rejects with a
 * {@link DestinationRefusedError} when every address is refused, and with the resolver's error when there is none.
 */
export async function resolveAllowed(host: string, policy: ChannelNetworkPolicy): Promise<string> {
  const found = net.isIP(host) !== 0 ? [{ address: host, family: net.isIPv6(host) ? 6 : 4 }] : await policy.resolve(host);
  const allowed = found.find((a) => addressRefusal(a.address, policy) === null);
  if (allowed) return allowed.address;
  const first = found[0];
  const refusal = first ? addressRefusal(first.address, policy) : null;
  if (first && refusal) throw new DestinationRefusedError(host, first.address, refusal);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
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
  const literal = net.isIP(host) !== 0 ? addressRefusal(host, policy) : null;
  if (literal) return Promise.reject(new DestinationRefusedError(host, host, literal));
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
    const lookup: net.LookupFunction = (hostname, options, callback) => {
      policy.resolve(hostname).then(
        (found) => {
          const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
          const allowed = wanted.filter((a) => addressRefusal(a.address, policy) === null);
          if (allowed.length === 0) {
            const first = wanted[0];
            const refusal = first ? addressRefusal(first.address, policy) : null;
            callback(
              refusal && first
                ? new DestinationRefusedError(hostname, first.address, refusal)
                : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
              '',
              0,
            );
          } else if (options.all) callback(null, allowed);
          else callback(null, allowed[0]!.address, allowed[0]!.family);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
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
