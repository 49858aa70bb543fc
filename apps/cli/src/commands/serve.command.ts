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
        const print = (line: string) => process.stdout.write(`${line}\n`);
        // The banner waits for the local agent, so the setup link is the last thing start prints.
        const running = await serve(config, { print, deferBanner: true });
        // Signals are handled before the local agent starts, so a stop during its enrollment still exits cleanly.
        const agent = import('../local-agent').then(({ startLocalAgent }) => startLocalAgent(config, running));
        const stop = async (signal: NodeJS.Signals) => {
          try {
            await (await agent)?.stop();
            await running.stop();
          } catch (err) {
            process.stderr.write(`estate: stopping after ${signal} failed: ${(err as Error).message}\n`);
            process.exit(1);
          }
          print(`Estate stopped (${signal}).`);
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const localAgent = await agent;
        if (localAgent)
          print(`  This machine is reported by a local agent (${config.dataDir}/agent); ESTATE_LOCAL_AGENT=false turns it off.`);
        for (const line of running.banner) print(line);
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
