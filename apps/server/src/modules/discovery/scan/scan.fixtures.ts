import type { HostFinding, ScanEngine, ScanRequest } from './engine/scan-types';

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
