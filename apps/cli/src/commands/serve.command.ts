import type { Command } from 'commander';
import { fail } from '../output';
import { loadServer } from '../server';

/** `estate serve` and `estate migrate`. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Migrate the store and run the server (port 8420 by default)')
    .option('-p, --port <port>', 'port to listen on (overrides ESTATE_PORT)')
    .option('--host <host>', 'address to listen on (overrides ESTATE_HOST)')
    .action(async (opts: { port?: string; host?: string }) => {
      const { loadConfig, serve } = await loadServer();
      try {
        const env = { ...process.env, ...(opts.port ? { ESTATE_PORT: opts.port } : {}), ...(opts.host ? { ESTATE_HOST: opts.host } : {}) };
        const config = loadConfig(env);
        const running = await serve(config);
        const { startLocalAgent } = await import('../local-agent');
        const agent = await startLocalAgent(config, running);
        if (agent)
          process.stdout.write(
            `  This machine is reported by a local agent (${config.dataDir}/agent); ESTATE_LOCAL_AGENT=false turns it off.\n\n`,
          );
        const stop = async () => {
          await agent?.stop();
          await running.stop();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const { loadConfig, migrate, openStore } = await loadServer();
      const database = await openStore(loadConfig()).catch(fail);
      try {
        const applied = await migrate(database);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
      } catch (err) {
        fail(err);
      } finally {
        await database.close();
      }
    });
}
