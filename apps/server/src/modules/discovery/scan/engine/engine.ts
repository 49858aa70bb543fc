/**
 * The scan engine: ICMP liveness in batches (fping), then for each live address — or each address whose ports
 * answer, with TCP liveness — port probes, reverse DNS, service hints and SNMP, every socket under one shared
 * concurrency and rate limit. Each live host is handed to `onHost` as soon as it is done.
 */
import { setMaxListeners } from 'node:events';
import { findFping, probeIcmp } from './icmp-probe';
import { createProbeLimiter, type ProbeLimiter } from './probe-limiter';
import { probeReverseDns } from './reverse-dns';
import type { HostFinding, ScanEngine, ScanRequest } from './scan-types';
import { probeServiceHints } from './service-hints';
import { probeSnmp } from './snmp-probe';
import { type PortState, probeTcpPort } from './tcp-probe';

/** How the engine finds its tools; the defaults suit a Debian host. */
export interface ScanEngineOptions {
  /** The fping binary; null runs without ICMP (TCP liveness only). Defaults to the first of FPING_PATHS found. */
  fpingPath?: string | null;
  /** DNS servers for reverse lookups (host or host:port); the system's resolvers by default. */
  dnsServers?: string[];
  /** Addresses per fping run (256 by default). */
  icmpBatchSize?: number;
}

/** A request the engine cannot run (a caller bug or an unchecked API input); nothing was probed. */
export class ScanRequestError extends Error {
  override readonly name = 'ScanRequestError';
}

function validate(request: ScanRequest): void {
  const bad = (what: string) => {
    throw new ScanRequestError(`Invalid scan request: ${what}.`);
  };
  if (!Number.isInteger(request.concurrency) || request.concurrency < 1 || request.concurrency > 4_096) bad('concurrency must be 1–4096');
  if (!(request.ratePerSecond >= 1 && request.ratePerSecond <= 100_000)) bad('ratePerSecond must be 1–100000');
  if (!(request.timeoutMs >= 50 && request.timeoutMs <= 60_000)) bad('timeoutMs must be 50–60000');
  if (!Number.isInteger(request.snmpPort) || request.snmpPort < 1 || request.snmpPort > 65_535) bad('snmpPort must be 1–65535');
  if (request.ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) bad('ports must be 1–65535');
}

/** A counting semaphore: bounds how many host pipelines run at once, so a /16 does not hold 65,536 of them. */
function createSlots(size: number, signal: AbortSignal) {
  let free = size;
  const waiting: Array<() => void> = [];
  signal.addEventListener(
    'abort',
    () => {
      for (const wake of waiting.splice(0)) wake();
    },
    { once: true },
  );
  return {
    async acquire(): Promise<void> {
      if (free > 0 && !signal.aborted) {
        free--;
        return;
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => waiting.push(resolve));
      free--;
    },
    release(): void {
      free++;
      waiting.shift()?.();
    },
  };
}

interface HostContext {
  request: ScanRequest;
  limiter: ProbeLimiter;
  signal: AbortSignal;
  dnsServers?: string[];
  notes: string[];
}

/** Probes one address; resolves with its finding, or null when it showed no sign of life. */
async function probeHost(address: string, icmpRtt: number | undefined, ctx: HostContext): Promise<HostFinding | null> {
  const { request, limiter, signal } = ctx;
  const probe = { timeoutMs: request.timeoutMs, signal };
  const states = await Promise.all(
    request.ports.map((port) => limiter.run(() => probeTcpPort(address, port, probe)).then((state): [number, PortState] => [port, state])),
  );
  const openPorts = states.filter(([, state]) => state === 'open').map(([port]) => port);
  const answered = states.some(([, state]) => state !== 'unreachable');
  if (icmpRtt === undefined && !answered) return null;
  const finding: HostFinding = {
    address,
    alive: icmpRtt === undefined ? 'tcp' : 'icmp',
    openPorts: [...new Set(openPorts)].sort((a, b) => a - b),
    services: {},
    notes: [...ctx.notes],
  };
  if (icmpRtt !== undefined) finding.rttMs = icmpRtt;
  const work: Promise<void>[] = [];
  if (request.reverseDns) {
    work.push(
      limiter
        .run(() => probeReverseDns(address, { ...probe, servers: ctx.dnsServers }))
        .then((name) => {
          if (name) finding.hostname = name;
        }),
    );
  }
  if (request.serviceHints) {
    for (const port of finding.openPorts) {
      work.push(
        limiter
          .run(() => probeServiceHints(address, port, probe))
          .then((hint) => {
            if (Object.keys(hint).length > 0) finding.services[port] = hint;
          }),
      );
    }
  }
  if (request.snmp.length > 0) {
    work.push(
      limiter
        .run(() => probeSnmp(address, request.snmp, { port: request.snmpPort, timeoutMs: request.timeoutMs, signal }))
        .then(({ facts, failures, notes }) => {
          if (facts) finding.snmp = facts;
          if (failures.length > 0) finding.snmpFailures = failures;
          finding.notes.push(...notes);
        }),
    );
  }
  await Promise.all(work);
  return finding;
}

/**
 * Creates the engine. `scan` validates the request (ScanRequestError), reports progress as addresses finish, calls
 * `onHost` once per live address (awaited, so a slow writer slows the scan rather than piling findings up), and
 * resolves when every address is finished. It rejects with the abort reason when `signal` aborts, and with
 * `onHost`'s error when that throws — in both cases after stopping every probe still running.
 */
export function createScanEngine(options: ScanEngineOptions = {}): ScanEngine {
  const batchSize = Math.max(1, options.icmpBatchSize ?? 256);
  return {
    async scan(request, onHost, onProgress, signal) {
      validate(request);
      signal?.throwIfAborted();
      const fping = options.fpingPath === undefined ? findFping() : options.fpingPath;
      const controller = new AbortController();
      // Every socket, session and waiter of the scan listens to this one signal.
      setMaxListeners(0, controller.signal);
      const onOuterAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onOuterAbort, { once: true });
      let failure: { error: unknown } | undefined;
      const fail = (error: unknown) => {
        failure ??= { error };
        controller.abort(error);
      };
      const inner = controller.signal;
      const ctx: HostContext = {
        request: fping ? request : { ...request, tcpLiveness: true },
        limiter: createProbeLimiter({ concurrency: request.concurrency, ratePerSecond: request.ratePerSecond, signal: inner }),
        signal: inner,
        dnsServers: options.dnsServers,
        notes: fping ? [] : ['ICMP not checked: fping is not installed, so liveness was judged by TCP only.'],
      };
      const slots = createSlots(Math.min(request.concurrency, 1_024), inner);
      const total = request.addresses.length;
      let done = 0;
      const finished = () => {
        done++;
        onProgress?.(done, total);
      };
      onProgress?.(0, total);
      const tasks: Promise<void>[] = [];
      const launch = async (address: string, rtt: number | undefined) => {
        await slots.acquire();
        if (inner.aborted) return;
        tasks.push(
          probeHost(address, rtt, ctx)
            .then(async (finding) => {
              if (finding && !inner.aborted) await onHost(finding);
              finished();
            })
            .catch((err) => {
              if (!inner.aborted) fail(err);
            })
            .finally(() => slots.release()),
        );
      };
      try {
        for (let start = 0; start < total && !inner.aborted; start += batchSize) {
          const batch = request.addresses.slice(start, start + batchSize);
          const launched = new Set<string>();
          if (fping) {
            // Hosts are probed as their echo replies come in, while fping still waits for the rest of the batch.
            const replies: Array<[string, number]> = [];
            let wake: (() => void) | undefined;
            let pinging = true;
            const icmp = probeIcmp(batch, {
              fpingPath: fping,
              timeoutMs: request.timeoutMs,
              ratePerSecond: request.ratePerSecond,
              signal: inner,
              onAlive: (address, rtt) => {
                replies.push([address, rtt]);
                wake?.();
              },
            }).finally(() => {
              pinging = false;
              wake?.();
            });
            icmp.catch(() => undefined);
            while (!inner.aborted) {
              const reply = replies.shift();
              if (reply) {
                launched.add(reply[0]);
                await launch(reply[0], reply[1]);
              } else if (pinging) {
                await new Promise<void>((resolve) => {
                  wake = resolve;
                });
                wake = undefined;
              } else break;
            }
            await icmp;
          }
          for (const address of batch) {
            if (inner.aborted) break;
            if (launched.has(address)) continue;
            if (!ctx.request.tcpLiveness) finished();
            else await launch(address, undefined);
          }
        }
      } catch (err) {
        if (!inner.aborted) fail(err);
      } finally {
        await Promise.allSettled(tasks);
        signal?.removeEventListener('abort', onOuterAbort);
      }
      if (failure) throw failure.error;
      if (inner.aborted) throw inner.reason;
    },
  };
}
