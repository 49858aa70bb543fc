import { promises as dns } from 'node:dns';
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { DNS_RECORD_TYPES } from '@estate/contract';
import ipaddr from 'ipaddr.js';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concluder, parseCheckConditions } from './check-executor';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  literalRefusal,
} from './outbound-connection';

export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** A DNS check's configuration after validation. */
export interface DnsCheckConfig {
  /** The name queried, in its ASCII form; for PTR an address is turned into its in-addr.arpa / ip6.arpa name. */
  name: string;
  recordType: DnsRecordType;
  /** The resolver asked, or absent for the system's (from resolv.conf). */
  resolver?: { host: string; port: number };
  conditionSources: string[];
  conditions: Condition[];
}

/** How long the resolver waits for one answer and how often it asks; the check's own timeout bounds the whole run. */
export interface DnsQueryOptions {
  attemptTimeoutMs?: number;
  tries?: number;
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['DNS_RCODE', 'BODY', 'IP', 'RESPONSE_TIME', 'CONNECTED'];
const DEFAULT_CONDITIONS = ['[DNS_RCODE] == NOERROR'];

/** Node's resolver error codes that are a server's answer, as the response code it carried. */
const RCODE_OF_ERROR: Readonly<Record<string, string>> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NOERROR',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
};

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
function parseResolver(raw: unknown): { host: string; port: number } | undefined {
  if (raw === undefined) return undefined;
  const bad = () => new CheckConfigError('resolver', 'must be "host" or "host:port" (an IPv6 address in brackets with a port)');
  if (typeof raw !== 'string' || raw.trim() === '') throw bad();
  const text = raw.trim();
  let host = text;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const hostPort = /^([^:[\]]+):(\d+)$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (hostPort) {
    host = hostPort[1] as string;
    port = Number(hostPort[2]);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new CheckConfigError('resolver', 'port must be from 1 to 65535');
  if (net.isIP(host) === 0 && domainToASCII(host) === '') throw bad();
  return { host: net.isIP(host) === 0 ? domainToASCII(host) : host, port };
}

/** The reverse-lookup name of an address: 192.0.2.10 → 10.2.0.192.in-addr.arpa. */
function reverseName(address: string): string {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return `${parsed.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const nibbles = parsed.toByteArray().flatMap((byte) => [(byte >> 4).toString(16), (byte & 15).toString(16)]);
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

function validate(raw: unknown): DnsCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  const recordType = r.recordType === undefined ? 'A' : String(r.recordType).toUpperCase();
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(recordType)) {
    throw new CheckConfigError('recordType', `must be one of ${DNS_RECORD_TYPES.join(', ')}`);
  }
  if (typeof r.name !== 'string' || r.name.trim() === '') throw new CheckConfigError('name', 'the name to query is required');
  let name = r.name.trim();
  if (recordType === 'PTR' && net.isIP(name) !== 0) name = reverseName(name);
  const ascii = domainToASCII(name);
  const labels = ascii.replace(/\.$/, '').split('.');
  if (ascii === '' || ascii.length > 254 || labels.some((label) => label === '' || label.length > 63)) {
    throw new CheckConfigError('name', `"${name}" is not a valid DNS name`);
  }
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    name: ascii,
    recordType: recordType as DnsRecordType,
    resolver: parseResolver(r.resolver),
    conditionSources: sources,
    conditions: parsed,
  };
}

/** Asks for the record type and words each answer as `dig` prints its data. */
async function query(resolver: dns.Resolver, name: string, type: DnsRecordType): Promise<{ answers: string[]; ip?: string }> {
  switch (type) {
    case 'A':
    case 'AAAA': {
      const found = type === 'A' ? await resolver.resolve4(name) : await resolver.resolve6(name);
      return { answers: found, ip: found[0] };
    }
    case 'CNAME':
      return { answers: await resolver.resolveCname(name) };
    case 'NS':
      return { answers: await resolver.resolveNs(name) };
    case 'PTR':
      return { answers: await resolver.resolvePtr(name) };
    case 'MX':
      return { answers: (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`) };
    case 'TXT':
      return { answers: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
    case 'SRV':
      return { answers: (await resolver.resolveSrv(name)).map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`) };
    case 'SOA': {
      const s = await resolver.resolveSoa(name);
      return { answers: [`${s.nsname} ${s.hostmaster} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minttl}`] };
    }
    case 'CAA':
      return {
        answers: (await resolver.resolveCaa(name)).map((caa) => {
          const { critical, ...rest } = caa;
          const [tag, value] = Object.entries(rest)[0] ?? ['', ''];
          return `${critical} ${tag} "${String(value)}"`;
        }),
      };
  }
}

/**
 * The resolver's addresses, `ip:port` as `setServers` takes them, each allowed by the policy; a name is resolved
 * through the policy's resolver. Throws a {@link DestinationRefusedError} when the policy refuses every address.
 */
async function resolverServers(target: { host: string; port: number }, policy: CheckNetworkPolicy): Promise<string[]> {
  const refused = literalRefusal(target.host, policy);
  if (refused) throw refused;
  const addresses = net.isIP(target.host) !== 0 ? [target.host] : (await policy.resolve(target.host)).map((a) => a.address);
  const allowed = addresses.filter((address) => addressRefusal(address, policy) === null);
  if (allowed.length === 0) {
    const first = addresses[0];
    const refusal = first === undefined ? null : addressRefusal(first, policy);
    if (refusal) throw new DestinationRefusedError(target.host, first as string, refusal);
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${target.host}`), { code: 'ENOTFOUND' });
  }
  return allowed.map((address) => (net.isIPv6(address) ? `[${address}]:${target.port}` : `${address}:${target.port}`));
}

function resolverText(config: DnsCheckConfig): string {
  if (!config.resolver) return 'the system resolver';
  const { host, port } = config.resolver;
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === 53 ? shown : `${shown}:${port}`;
}

/**
 * The DNS check: asks a resolver (the configured one, whose addresses the outbound policy must allow, or the
 * system's) for one record type of a name. `[DNS_RCODE]` is the response code (a name that does not exist is
 * NXDOMAIN, a name without records of the type NOERROR with no answers), `[BODY]` the answers one per line,
 * sorted, `[IP]` the first A/AAAA answer, `[CONNECTED]` whether a server answered. No answer at all is down.
 */
export function dnsCheck(
  policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY,
  options: DnsQueryOptions = {},
): CheckType<DnsCheckConfig> {
  return {
    type: 'dns',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    validate,
    // RFC 4501's DNS URI: the resolver is what the run reaches, so it is the host the per-target cap groups by.
    target: (config) => {
      const authority = config.resolver
        ? `//${config.resolver.host.includes(':') ? `[${config.resolver.host}]` : config.resolver.host}:${config.resolver.port}/`
        : '';
      return `dns:${authority}${config.name}?type=${config.recordType}`;
    },
    async run(config, signal): Promise<CheckOutcome> {
      const startedAt = performance.now();
      const details: Record<string, unknown> = { name: config.name, recordType: config.recordType, resolver: resolverText(config) };
      const conclude = concluder(config.conditions, startedAt, signal, details);
      if (signal.aborted) return conclude({}, undefined);

      // tries is the number of sends per server; c-ares doubles the wait after each.
      const resolver = new dns.Resolver({ timeout: options.attemptTimeoutMs ?? 2_000, tries: options.tries ?? 2 });
      let onStopped: (() => void) | undefined;
      const onAbort = () => {
        resolver.cancel();
        onStopped?.();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // The system's resolvers come from the host's own configuration, not from a check, so the policy judges
        // only a resolver a check names.
        if (config.resolver) {
          let servers: string[] | undefined;
          try {
            // The resolver's own name may take long to resolve; the signal does not wait for it.
            servers = await new Promise<string[] | undefined>((resolve, reject) => {
              onStopped = () => resolve(undefined);
              resolverServers(config.resolver as { host: string; port: number }, policy).then(resolve, reject);
            });
          } catch (err) {
            const { host, port } = config.resolver;
            return conclude({ connected: false }, describeConnectionError(err, host, port).replace(/^DNS lookup/, 'Resolver lookup'));
          }
          if (servers === undefined || signal.aborted) return conclude({}, undefined);
          resolver.setServers(servers);
        }
        let answers: string[] = [];
        let ip: string | undefined;
        let rcode = 'NOERROR';
        try {
          ({ answers, ip } = await query(resolver, config.name, config.recordType));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          if (signal.aborted) return conclude({}, undefined);
          const answered = RCODE_OF_ERROR[code];
          if (answered === undefined) {
            const why =
              code === 'ETIMEOUT'
                ? 'no answer'
                : code === 'ECONNREFUSED'
                  ? 'connection refused'
                  : `${(err as Error).message}${code && !(err as Error).message.includes(code) ? ` (${code})` : ''}`;
            return conclude(
              { connected: false },
              `DNS query ${config.name} ${config.recordType} to ${resolverText(config)} failed: ${why}`,
            );
          }
          rcode = answered;
        }
        answers.sort();
        const responseTimeMs = performance.now() - startedAt;
        details.rcode = rcode;
        details.answers = answers;
        details.timings = { totalMs: responseTimeMs };
        const context: CheckResultContext = { dnsRcode: rcode, body: answers.join('\n'), ip, responseTimeMs, connected: true };
        const what = answers.length === 0 ? 'no answers' : answers.length === 1 ? '1 answer' : `${answers.length} answers`;
        return conclude(
          context,
          undefined,
          `${rcode} for ${config.name} ${config.recordType}, ${what}, in ${Math.round(responseTimeMs)} ms`,
        );
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
