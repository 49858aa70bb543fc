import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { fail } from '../output';
import { loadServer } from '../server';

/**
 * `estate rules test FILE…`: runs Prometheus rule unit tests (`promtool test rules` files, unchanged: rule_files,
 * input_series in the expanding notation, alert_rule_test, promql_expr_test) through Estate's own rule evaluation and
 * prints promtool's report. Exit 0 when every file passes, 4 when any test fails or a file does not load.
 */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('Alert and recording rules');
  rules
    .command('test')
    .description('Run promtool-style rule unit test files through Estate’s rule evaluation')
    .argument('<files...>', 'test files (YAML), as `promtool test rules` takes them')
    .option('--prometheus-2', 'judge range windows as Prometheus 2.x does (closed at both ends), as promtool 2.x would')
    .action(async (files: string[], opts: { prometheus2?: boolean }) => {
      try {
        const { runPromtoolTestFile, formatPromtoolReport } = await loadServer();
        let failed = 0;
        for (const file of files) {
          const result = await runPromtoolTestFile(file, opts.prometheus2 ? { closedRanges: true } : {});
          process.stdout.write(formatPromtoolReport(result));
          if (!result.passed) failed++;
        }
        if (failed > 0) {
          process.stderr.write(`estate: ${failed} of ${files.length} rule test ${files.length === 1 ? 'file' : 'files'} failed.\n`);
          process.exit(ExitCode.verification);
        }
      } catch (err) {
        fail(err);
      }
    });
}
