import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { AddressResolver, CheckNetworkPolicy } from './outbound-connection';
import { CHECK_REFUSED_BY_DEFAULT } from './outbound-connection';

/** A server listening on 127.0.0.1 on an ephemeral port, for check tests; `close` also drops open connections. */
export interface TestServer {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 with `handler`. */
export async function startHttpServer(handler: http.RequestListener): Promise<TestServer> {
  return listen(http.createServer(handler));
}

/** Starts a server that accepts connections and never sends a byte. */
export async function startSilentServer(): Promise<TestServer> {
  return listen(net.createServer(() => {}));
}

/** Listens on 127.0.0.1:0 and counts connections. */
export async function listen(server: net.Server): Promise<TestServer> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await listen(net.createServer());
  await server.close();
  return server.port;
}

/** A policy whose resolver answers from `table` (name → addresses) and fails every other name with ENOTFOUND. */
export function policyWithNames(table: Record<string, string[]>, refused = CHECK_REFUSED_BY_DEFAULT): CheckNetworkPolicy {
  const resolve: AddressResolver = async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  };
  return { refused, resolve };
}
