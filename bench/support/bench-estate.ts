import type { Permission } from '@estate/contract';
import Fastify from 'fastify';
import { createEstate, type Estate } from '../../apps/server/src/app';
import type { Database } from '../../apps/server/src/platform/db/database';
import { openBenchStore } from './bench-store';

/** A real Estate over a fresh store, listening on loopback, with an API token of the given scopes. */
export interface BenchEstate {
  estate: Estate;
  database: Database;
  base: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

/** The admin every bench store gets (its API token is what benches use; browsers sign in with these). */
export const BENCH_EMAIL = 'bench@example.org';
export const BENCH_PASSWORD = 'correct horse battery staple 42';

export const BENCH_ACTOR = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null, sourceIp: null };

/**
 * Opens a fresh store (SQLite, or its own PostgreSQL schema under `databaseUrl`), lets `fill` write into it before
 * Estate starts, then starts Estate on a loopback port with an admin's API token limited to `scopes`.
 */
export async function startBenchEstate(
  databaseUrl: string | undefined,
  scopes: Permission[],
  fill?: (database: Database) => Promise<void>,
): Promise<BenchEstate> {
  const { config, database, drop } = await openBenchStore(databaseUrl);
  await fill?.(database);
  const estate = await createEstate(config, database, { logger: false });
  const { user } = await estate.auth.users.create(
    { email: BENCH_EMAIL, name: 'Bench', role: 'admin', password: BENCH_PASSWORD },
    BENCH_ACTOR,
  );
  const { token } = await estate.auth.tokens.create(user.id, { name: 'bench', scopes, expiresInDays: 1 }, BENCH_ACTOR);
  await estate.http.listen({ host: '127.0.0.1', port: 0 });
  const address = estate.http.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return {
    estate,
    database,
    base: `http://127.0.0.1:${address.port}`,
    headers: { authorization: `Bearer ${token}` },
    async close() {
      await estate.close();
      await drop();
    },
  };
}

/** The floor every API figure stands beside: a bare Fastify server answering `routes` with fixed bodies. */
export async function startBare(routes: Record<string, unknown>): Promise<{ base: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  for (const [path, body] of Object.entries(routes)) app.get(path, async () => body);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return { base: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
