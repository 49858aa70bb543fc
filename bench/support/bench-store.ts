import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, openStore } from '../../apps/server/src/app';
import { type Config, loadConfig } from '../../apps/server/src/platform/config/config';
import type { Database } from '../../apps/server/src/platform/db/database';

/** A fresh, migrated store for one benchmark: SQLite in a temp dir, or its own PostgreSQL schema. */
export interface BenchStore {
  config: Config;
  database: Database;
  /** Closes the store and removes its files or schema. */
  drop(): Promise<void>;
}

/**
 * Opens a fresh store on SQLite (no URL) or on PostgreSQL (its own schema under `databaseUrl`), with a config for a
 * silent Estate on an ephemeral loopback port and a rate limit too high to matter.
 */
export async function openBenchStore(databaseUrl: string | undefined, overrides: Partial<Config> = {}): Promise<BenchStore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-bench-'));
  const pg = databaseUrl ? (await import('pg')).default : undefined;
  const schema = `bench_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (statement: string) => {
    if (!pg || !databaseUrl) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  let url = databaseUrl;
  if (databaseUrl) {
    await admin(`CREATE SCHEMA "${schema}"`);
    const u = new URL(databaseUrl);
    u.searchParams.set('options', `-c search_path=${schema}`);
    url = u.toString();
  }
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl: url,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      rateLimitPerMinute: 10_000_000,
      webDir: path.join(dataDir, 'no-web'),
      ...overrides,
    },
  );
  const database = await openStore(config);
  await migrate(database);
  return {
    config,
    database,
    async drop() {
      await database.close();
      await admin(`DROP SCHEMA "${schema}" CASCADE`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
