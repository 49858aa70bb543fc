import { PERMISSIONS, type Permission } from '@estate/contract/permissions';
import { type Command, InvalidArgumentError } from 'commander';
import { fail } from '../output';
import { loadServer } from '../server';
import { withStore } from './with-store';

function scope(value: string, previous: Permission[] = []): Permission[] {
  if (!(PERMISSIONS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`Unknown scope ${value}. Scopes: ${PERMISSIONS.join(', ')}.`);
  return [...previous, value as Permission];
}

/** `estate token create`: prints only the new token, so it can be captured by a script. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Create an API token for a user and print it (only the token)')
    .requiredOption('--user <email>', 'owner of the token')
    .requiredOption('--name <name>', 'what the token is for')
    .requiredOption('--scope <scope...>', `one or more of: ${PERMISSIONS.join(', ')}`, (v: string, p: Permission[]) => scope(v, p))
    .option('--expires-in-days <days>', 'lifetime in days (1-365)', '90')
    .action(async (opts: { user: string; name: string; scope: Permission[]; expiresInDays: string }) => {
      const { createEstate } = await loadServer();
      try {
        const days = Number(opts.expiresInDays);
        if (!Number.isInteger(days) || days < 1 || days > 365)
          throw new InvalidArgumentError('--expires-in-days must be a whole number from 1 to 365.');
        await withStore(async (database, config) => {
          const estate = await createEstate(config, database, { logger: false });
          try {
            const created = await estate.auth.tokens.createFromCli(opts.user, {
              name: opts.name,
              scopes: [...new Set(opts.scope)],
              expiresInDays: days,
            });
            process.stdout.write(`${created.token}\n`);
          } finally {
            await estate.close();
          }
        });
      } catch (err) {
        if (err instanceof InvalidArgumentError) {
          process.stderr.write(`estate: ${err.message}\n`);
          process.exit(2);
        }
        fail(err);
      }
    });
}
