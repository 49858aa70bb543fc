import { loadConfig } from './platform/config/config';
import { serve } from './serve';

/** Process entry without the CLI: `node --import tsx apps/server/src/main.ts`. Exits 3 on configuration errors. */
try {
  const running = await serve(loadConfig());
  const stop = async (signal: NodeJS.Signals) => {
    await running.stop();
    process.stdout.write(`Estate stopped (${signal}).\n`);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`estate: ${(err as Error).message}\n`);
  process.exit((err as Error).name === 'ConfigError' ? 3 : 1);
}
