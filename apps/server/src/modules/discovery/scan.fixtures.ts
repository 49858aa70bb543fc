import type { HostFinding, ScanEngine, ScanRequest } from './scan/scan-types';

/**
 * A scripted scan engine for tests of the discovery service: it "finds" the hosts it is given (only those whose
 * address the request asks for), reports progress per address, and can be told to fail. It records every request,
 * so tests can check what the service asked for (credentials unsealed, ports, options).
 */
export class ScriptedScanEngine implements ScanEngine {
  /** Requests received, newest last. */
  readonly requests: ScanRequest[] = [];
  /** Hosts to report, by address. Replace between runs to script a changing network. */
  hosts = new Map<string, HostFinding>();
  /** When set, `scan` throws this after reporting its hosts. */
  failWith: Error | null = null;
  /** When set, `scan` waits for this promise before resolving (to observe a run while it is going). */
  gate: Promise<void> | null = null;

  /** Replaces the scripted network. */
  script(findings: HostFinding[]): this {
    this.hosts = new Map(findings.map((f) => [f.address, f]));
    return this;
  }

  async scan(
    request: ScanRequest,
    onHost: (finding: HostFinding) => Promise<void>,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    this.requests.push(structuredClone(request));
    let done = 0;
    for (const address of request.addresses) {
      signal?.throwIfAborted();
      const finding = this.hosts.get(address);
      if (finding) await onHost(structuredClone(finding));
      onProgress?.(++done, request.addresses.length);
    }
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
  }
}

/** A live host with sensible defaults, for scripts. */
export function host(address: string, overrides: Partial<HostFinding> = {}): HostFinding {
  return { address, alive: 'icmp', rttMs: 0.4, openPorts: [22], services: {}, notes: [], ...overrides };
}

const v4 = (text: string): number => {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`${text} is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};
const v4Text = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/**
 * A small stand-in for the scan engine's target expansion, with the same policy for IPv4 (addresses, CIDRs and
 * ranges; more than 4,096 addresses only with `force`; link-local and multicast refused) and single IPv6 addresses.
 * Tests of the service use it so they do not depend on the engine's module.
 */
export function fixtureExpandTargets(targets: string[], options: { force?: boolean; allowLinkLocal?: boolean } = {}): string[] {
  const out: string[] = [];
  const blocks = targets.map((raw) => {
    const t = raw.trim();
    if (t.includes(':')) {
      if (t.includes('/')) throw new Error(`${t}: IPv6 prefixes are not supported by the fixture`);
      if (t.toLowerCase().startsWith('fe80')) throw new Error(`${t} is link-local; link-local addresses are refused`);
      return { six: t };
    }
    if (t.includes('/')) {
      const [a, p] = t.split('/') as [string, string];
      const prefix = Number(p);
      if (!/^\d+$/.test(p) || prefix > 32) throw new Error(`${t} is not a valid CIDR`);
      const size = 2 ** (32 - prefix);
      const first = Math.floor(v4(a) / size) * size;
      return { first, last: first + size - 1, raw: t };
    }
    if (t.includes('-')) {
      const [a, b] = t.split('-') as [string, string];
      const first = v4(a);
      const last = v4(b);
      if (last < first) throw new Error(`${t} is an empty range`);
      return { first, last, raw: t };
    }
    const n = v4(t);
    return { first: n, last: n, raw: t };
  });
  const total = blocks.reduce((n, b) => n + ('six' in b ? 1 : b.last - b.first + 1), 0);
  if (total > 4096 && !options.force)
    throw new Error(`The targets hold ${total} addresses, more than 4096; narrow them or force the scan.`);
  for (const b of blocks) {
    if ('six' in b) {
      out.push(b.six as string);
      continue;
    }
    const linkLocal = b.first >= v4('169.254.0.0') && b.first <= v4('169.254.255.255');
    if (linkLocal && !options.allowLinkLocal) throw new Error(`${b.raw} is link-local; link-local addresses are refused`);
    if (b.first >= v4('224.0.0.0')) throw new Error(`${b.raw} is multicast or reserved`);
    for (let n = b.first; n <= b.last; n++) out.push(v4Text(n));
  }
  return [...new Set(out)];
}
