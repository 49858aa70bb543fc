/**
 * Reverse DNS: the PTR name of a live address, from the system's resolvers (or the servers given), within a timeout.
 */
import { promises as dns } from 'node:dns';
import type { ProbeOptions } from './tcp-probe';

/** Options of a reverse lookup: the probe options plus, for tests and unusual set-ups, the DNS servers to ask. */
export interface ReverseDnsOptions extends ProbeOptions {
  servers?: string[];
}

/**
 * Resolves the first PTR name of `address` (without a trailing dot), or undefined when there is none, the lookup
 * fails, or it takes longer than the timeout. Never rejects.
 */
export async function probeReverseDns(address: string, options: ReverseDnsOptions): Promise<string | undefined> {
  if (options.signal?.aborted) return undefined;
  const resolver = new dns.Resolver({ timeout: Math.max(100, options.timeoutMs), tries: 1 });
  if (options.servers?.length) resolver.setServers(options.servers);
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => resolver.cancel();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const names = await Promise.race([
      resolver.reverse(address),
      new Promise<string[]>((resolve) => {
        timer = setTimeout(() => {
          resolver.cancel();
          resolve([]);
        }, options.timeoutMs);
      }),
    ]);
    const name = names.find((n) => n.length > 0 && n.length <= 253);
    return name?.replace(/\.$/, '');
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
