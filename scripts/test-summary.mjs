#!/usr/bin/env node
/**
 * Prints the closing line of a test run, `N passed, N failed` (plus `, N skipped` when any test was skipped), from
 * vitest's JSON report (`vitest run --reporter=json --outputFile.json=<file>`).
 *
 * Usage: `node scripts/test-summary.mjs <report.json>`.
 *
 * A test file that failed to load counts as one failed test, so a broken import never reads as green. Skipped and
 * todo tests count as skipped. Exits 0 only when the report exists, at least one test ran and none failed; under
 * `CI=true` any skipped test fails the run too, since CI provides every tier (PostgreSQL, browser) and nothing it
 * needs may be skipped. Reasons go to stderr first, so the summary is always the last line printed.
 */
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node scripts/test-summary.mjs <vitest-json-report>\n');
  process.exit(2);
}
if (!existsSync(file)) {
  process.stderr.write(`test-summary: no report at ${file}: vitest did not finish its run.\n`);
  process.exit(1);
}

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stderr.write(`test-summary: cannot read ${file}: ${err.message}\n`);
  process.exit(1);
}

const files = Array.isArray(report.testResults) ? report.testResults : [];
const tests = files.flatMap((f) => (Array.isArray(f.assertionResults) ? f.assertionResults.map((t) => ({ ...t, file: f.name })) : []));
const passed = tests.filter((t) => t.status === 'passed').length;
const failedTests = tests.filter((t) => t.status === 'failed');
// A file whose module failed to load has no failed test of its own but is marked failed.
const brokenFiles = files.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'));
const failed = failedTests.length + brokenFiles.length;
const skippedTests = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed');
const skipped = skippedTests.length;

const root = process.cwd();
const where = (name) => (name?.startsWith(`${root}/`) ? name.slice(root.length + 1) : name);
const problems = [];
for (const f of brokenFiles) problems.push(`failed to run: ${where(f.name)}${f.message ? ` (${f.message.split('\n')[0]})` : ''}`);
if (failedTests.length > 0) {
  problems.push('failed:');
  for (const t of failedTests) problems.push(`  ${where(t.file)} > ${t.fullName}`);
}
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (ci && skipped > 0) {
  problems.push(`CI must run every test, but ${skipped} skipped:`);
  for (const t of skippedTests) problems.push(`  ${where(t.file)} > ${t.fullName} (${t.status})`);
}
if (tests.length === 0 && brokenFiles.length === 0) problems.push('no test ran.');
if (problems.length > 0) process.stderr.write(`\n${problems.join('\n')}\n\n`);

process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || tests.length + brokenFiles.length === 0 || (ci && skipped > 0) ? 1 : 0);
