import net from 'node:net';
import { tierRequired } from '../../../platform/db/test-databases';

/** Whether something accepts TCP connections on host:port within a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether the tests of a check against a real service (MariaDB, Redis) run: when it answers on host:port, or when
 * `ESTATE_TEST_REQUIRE` includes peers (then they run and fail if it does not). Otherwise they are skipped with one
 * line saying why.
 */
export async function serviceTier(service: string, host: string, port: number): Promise<boolean> {
  if (await reachable(host, port)) return true;
  if (tierRequired('peers')) return true;
  console.warn(`[tests] ${service} check tests skipped: nothing answers on ${host}:${port}.`);
  return false;
}
