import { type Database, ensureDataDir, loadConfig, migrate, openStore } from '@estate/server';

/** Opens and migrates the configured store, runs `fn`, and always closes the store. */
export async function withStore<T>(fn: (database: Database, config: ReturnType<typeof loadConfig>) => Promise<T>): Promise<T> {
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
