import type { Config, Database } from '@estate/server';
import { loadServer } from '../server';

/** Opens and migrates the configured store, runs `fn`, and always closes the store. */
export async function withStore<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const { ensureDataDir, loadConfig, migrate, openStore } = await loadServer();
  const config = loadConfig();
  if (!config.databaseUrl) ensureDataDir(config.dataDir);
  const database = await openStore(config);
  try {
    await migrate(database);
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
