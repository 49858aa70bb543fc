import { type Command, Option } from 'commander';
import { withApiConnection } from '../api-connection';
import type { ApplyOptions, ExportOptions } from '../checks/checks-actions';

/** Loads the checks actions on first use, so other commands and `--help` do not load the client and the contract. */
const actions = () => import('../checks/checks-actions');

/**
 * `estate checks export` and `estate checks apply`: monitoring as code. A file of checks (YAML or JSON) is the
 * desired state; apply creates, updates and (with --prune) deletes checks over the API until the server matches it,
 * matching by name, and changes nothing when it already does.
 */
export function registerChecksCommands(program: Command): void {
  const checks = program.command('checks').description('Monitoring checks as code (over the API of a running server)');

  withApiConnection(
    checks
      .command('export')
      .description('Write every check to a file (or standard output); secrets become environment variable placeholders')
      .addOption(new Option('--format <format>', 'file format (default: from --output, else yaml)').choices(['yaml', 'json']))
      .option('-o, --output <file>', 'write to this file instead of standard output'),
  ).action(async (opts: ExportOptions) => (await actions()).exportChecks(opts));

  withApiConnection(
    checks
      .command('apply')
      .description('Make the server match a checks file: create, update (and with --prune delete) checks by name')
      .argument('<file>', 'checks file (.yaml, .yml or .json)')
      .option('--dry-run', 'print what would change and write nothing')
      .option('--prune', 'delete checks that are not in the file'),
  ).action(async (file: string, opts: ApplyOptions) => (await actions()).applyChecks(file, opts));
}
