/**
 * TCP port probe: a plain connect with a timeout, closed as soon as it is established. Also the TCP liveness check:
 * a refused connection (RST) proves the host is there as much as an open port does.
 */
import net from 'node:net';

/** What one connect attempt showed. `unreachable` covers timeouts, ICMP errors and failed ARP alike. */
export type PortState = 'open' | 'closed' | 'unreachable';

/** Options shared by every probe kind: how long it may take and the scan's abort signal. */
export interface ProbeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Connects to `address:port` and reports the port's state; never rejects (an abort counts as `unreachable`). */
export function probeTcpPort(address: string, port: number, options: ProbeOptions): Promise<PortState> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve('unreachable');
      return;
    }
    const socket = net.connect({ host: address, port });
    let settled = false;
    const finish = (state: PortState) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(state);
    };
    const onAbort = () => finish('unreachable');
    const timer = setTimeout(() => finish('unreachable'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'closed' : 'unreachable'));
  });
}
