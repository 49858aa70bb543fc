import type { AuditVerification } from '@estate/server';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { fail } from '../output';
import { loadServer } from '../server';
import { withStore } from './with-store';

/**
 * `estate audit verify`: walks the hash chain; on stderr one line per break (every edited, inserted or deleted row,
 * not only the first) and a summary, and exit 4 when anything was altered.
 */
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
          process.stdout.write(`Audit log intact: ${result.checked} ${result.checked === 1 ? 'event' : 'events'} verified.\n`);
          return;
        }
        process.stderr.write(describeBreaks(result));
        process.exit(ExitCode.verification);
      } catch (err) {
        fail(err);
      }
    });
}

function describeBreaks(result: AuditVerification): string {
  const lines = result.breaks.map((b) => `estate: audit log broken at event ${b.seq}: ${b.problem}\n`);
  const unlisted = result.breakCount - result.breaks.length;
  if (unlisted > 0) lines.push(`estate: … and ${unlisted} more ${unlisted === 1 ? 'break' : 'breaks'} not listed.\n`);
  lines.push(
    `estate: ${result.breakCount} ${result.breakCount === 1 ? 'break' : 'breaks'} in the audit log; ${result.checked} ${result.checked === 1 ? 'event' : 'events'} checked.\n`,
  );
  return lines.join('');
}
