import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { fail } from '../output';
import { loadServer } from '../server';
import { withStore } from './with-store';

/** `estate audit verify`: walks the hash chain; exit 4 and the first broken row when anything was altered. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The audit log');
  audit
    .command('verify')
    .description('Check that no audit row was edited, inserted or deleted')
    .action(async () => {
      const { AuditLog } = await loadServer();
      try {
        const result = await withStore((database) => new AuditLog(database).verify());
        if (result.ok) {
          process.stdout.write(`Audit log intact: ${result.checked} events verified.\n`);
          return;
        }
        process.stderr.write(
          `estate: audit log broken at event ${result.brokenAt}: ${result.problem} (${result.checked} events verified before it).\n`,
        );
        process.exit(ExitCode.verification);
      } catch (err) {
        fail(err);
      }
    });
}
