import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './commands/admin.command';
import { registerAuditCommands } from './commands/audit.command';
import { registerBackupCommands } from './commands/backup.command';
import { registerChecksCommands } from './commands/checks.command';
import { registerRulesCommands } from './commands/rules.command';
import { registerServeCommands } from './commands/serve.command';
import { registerTokenCommands } from './commands/token.command';
import { ExitCode } from './exit-codes';
import { fail } from './output';
import { ESTATE_VERSION } from './version';

const program = new Command('estate')
  .description('Estate: self-hosted IT infrastructure management')
  .version(ESTATE_VERSION, '-V, --version', 'print the version and exit')
  .showHelpAfterError()
  .exitOverride();

registerServeCommands(program);
registerAdminCommands(program);
registerTokenCommands(program);
registerBackupCommands(program);
registerAuditCommands(program);
registerChecksCommands(program);
registerRulesCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  }
  fail(err);
}
