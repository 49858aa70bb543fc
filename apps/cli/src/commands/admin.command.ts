import type { Command } from 'commander';
import { fail, readStdin } from '../output';
import { loadServer } from '../server';
import { withStore } from './with-store';

/** `estate admin create`: creates an admin directly in the store (works before and after setup). */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Administer users directly in the store');
  admin
    .command('create')
    .description('Create an admin user')
    .requiredOption('--email <email>', 'email address (the sign-in name)')
    .option('--name <name>', 'display name (defaults to the email)')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .action(async (opts: { email: string; name?: string }) => {
      const { createEstate } = await loadServer();
      try {
        const password = (await readStdin()).replace(/\r?\n$/, '');
        await withStore(async (database, config) => {
          const estate = await createEstate(config, database, { logger: false });
          try {
            const user = await estate.auth.users.createAdminFromCli(opts.email, opts.name ?? opts.email, password);
            process.stdout.write(`Created admin ${user.email} (${user.id}).\n`);
          } finally {
            await estate.close();
          }
        });
      } catch (err) {
        fail(err);
      }
    });
}
