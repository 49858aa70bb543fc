import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { type DestinationClass, destinationRefusal, type Refusal } from '../net/outbound-policy';

/**
 * What checks may not reach unless an administrator lifts it: link-local and cloud metadata addresses, and the
 * addresses no single host answers on. Private and loopback ranges stay reachable: watching them is a check's job.
 */
export const CHECK_REFUSED_BY_DEFAULT: ReadonlySet<DestinationClass> = new Set([
  'unspecified',
  'multicast',
  'reserved',
  'linkLocal',
  'cloudMetadata',
]);

/** Resolves a host name to its addresses; rejects with the resolver's error (code ENOTFOUND, EAI_AGAIN, …). */
export type AddressResolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** The operating system's resolver (getaddrinfo), as Node's own connections use it. */
export const systemResolver: AddressResolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/** Where a check's (or a notification's) connections may go, and how names are resolved. */
export interface CheckNetworkPolicy {
  refused: ReadonlySet<DestinationClass>;
  /** CIDR ranges an administrator allowed although their class is refused (a mail relay's `10.1.2.3/32`). */
  allowedRanges?: readonly string[];
  resolve: AddressResolver;
}

/** The policy checks get unless told otherwise. */
export const DEFAULT_CHECK_NETWORK_POLICY: CheckNetworkPolicy = { refused: CHECK_REFUSED_BY_DEFAULT, resolve: systemResolver };

/** The default policy with the classes an administrator allowed lifted (ESTATE_CHECKS_ALLOW). */
export function checkNetworkPolicyAllowing(allowed: readonly DestinationClass[]): CheckNetworkPolicy {
  if (allowed.length === 0) return DEFAULT_CHECK_NETWORK_POLICY;
  return { refused: new Set([...CHECK_REFUSED_BY_DEFAULT].filter((c) => !allowed.includes(c))), resolve: systemResolver };
}

/** A connection the outbound policy refused; it was never opened (or, if the socket reached it anyway, closed at once). */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATIONREFUSED';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly refusal: Refusal,
  ) {
    super(
      host === address
        ? `The outbound policy refuses ${address}: ${refusal.what}`
        : `The outbound policy refuses ${host} (${address}): ${refusal.what}`,
    );
    this.name = 'DestinationRefusedError';
  }
}

/**
 * Why `policy` refuses the address `address` (text, IPv4 or IPv6, with or without a zone), or null: allowed, in one of
 * the policy's allowed ranges, or not an address.
 */
export function addressRefusal(address: string, policy: Pick<CheckNetworkPolicy, 'refused' | 'allowedRanges'>): Refusal | null {
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  if (policy.allowedRanges && inRanges(parsed, policy.allowedRanges)) return null;
  return destinationRefusal(parsed, policy.refused);
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly string[]): boolean {
  const plain =
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  return ranges.some((text) => {
    const range = ipaddr.parseCIDR(text);
    return range[0].kind() === plain.kind() && plain.match(range);
  });
}

/**
 * The refusal for a host written as an address literal (`169.254.169.254`, `::ffff:a9fe:a9fe`), or null for a name
 * or an allowed address. Needed because Node does not call a socket's `lookup` for a literal.
 */
export function literalRefusal(host: string, policy: CheckNetworkPolicy): DestinationRefusedError | null {
  if (net.isIP(host) === 0) return null;
  const refusal = addressRefusal(host, policy);
  return refusal ? new DestinationRefusedError(host, host, refusal) : null;
}

/**
 * The address a connectionless check (ICMP, SNMP over UDP) sends to: an address literal itself, or the first address
 * of the name that the policy allows. Rejects with a {@link DestinationRefusedError} when the policy refuses every
 * address, and with ENOTFOUND when the name has none.
 */
export async function resolveAllowedAddress(host: string, policy: CheckNetworkPolicy): Promise<string> {
  if (net.isIP(host) !== 0) {
    const refused = literalRefusal(host, policy);
    if (refused) throw refused;
    return host;
  }
  const found = await policy.resolve(host);
  const allowed = found.find((a) => addressRefusal(a.address, policy) === null);
  if (allowed) return allowed.address;
  const first = found[0];
  const refusal = first ? addressRefusal(first.address, policy) : null;
  if (first && refusal) throw new DestinationRefusedError(host, first.address, refusal);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
}

/**
 * A `lookup` for `net.connect` / `http.request` that resolves through the policy's resolver and hands the socket
 * only addresses the policy allows, so a refused address is never connected to. When every address is refused the
 * lookup fails with a {@link DestinationRefusedError}. `onResolved` is told when resolution ended, with the addresses
 * handed on, so the caller can time DNS.
 */
export function guardedLookup(policy: CheckNetworkPolicy, onResolved: (addresses: string[]) => void): net.LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        const allowed = wanted.filter((a) => addressRefusal(a.address, policy) === null);
        onResolved(allowed.map((a) => a.address));
        if (allowed.length === 0) {
          const first = wanted[0];
          const refusal = first ? addressRefusal(first.address, policy) : null;
          const error: NodeJS.ErrnoException = refusal
            ? new DestinationRefusedError(hostname, first!.address, refusal)
            : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
          callback(error, '', 0);
          return;
        }
        if (options.all) callback(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (err: NodeJS.ErrnoException) => {
        onResolved([]);
        callback(err, '', 0);
      },
    );
  };
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH)/;

/**
 * One line saying why a connection to `host:port` failed, in the words an operator needs: DNS, refused, reset,
 * unreachable, TLS (with the certificate problem) or the policy's refusal.
 */
export function describeConnectionError(err: unknown, host: string, port: number): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  if (err instanceof DestinationRefusedError) return err.message;
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA') return `DNS lookup failed: ${host} has no address (${code})`;
  if (code === 'EAI_AGAIN' || code === 'EAI_FAIL') return `DNS lookup of ${host} failed: the resolver did not answer (${code})`;
  if (code === 'ECONNREFUSED') return `Connection refused by ${host} port ${port}`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `Connection to ${host} port ${port} was reset by the peer`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${host} is unreachable (${code})`;
  if (code === 'ETIMEDOUT') return `Connection to ${host} port ${port} timed out in the network stack`;
  if (TLS_CODE.test(code) || /SSL|TLS|certificate/i.test(e?.message ?? '')) {
    return `TLS error with ${host}: ${e.reason ?? e.message}${code ? ` (${code})` : ''}`;
  }
  return `Connection to ${host} port ${port} failed: ${e?.message ?? String(err)}${code ? ` (${code})` : ''}`;
}

/** Resolves `promise`, or undefined as soon as `signal` aborts (a name lookup cannot be stopped, only left). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
