/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g. `npm run bench --
 * cold-start`), one after another in this process, writes each result to `bench/results/<name>-<timestamp>.json`
 * and prints one table of Estate-vs-peer figures. `--quick` makes short smoke runs. Benchmarks report ratios and
 * whether a target was met; they never fail on timings. Exits non-zero only when a benchmark could not run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Benchmark, type BenchResult, environment, formatTable } from './support/report';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const selected = wanted.length ? files.filter((f) => wanted.includes(f.replace(/\.bench\.ts$/, ''))) : files;
  const unknown = wanted.filter((w) => !files.includes(`${w}.bench.ts`));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark(s): ${unknown.join(', ')}. Known: ${files.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}\n`,
    );
    return 2;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const env = environment();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const done: (BenchResult & { name: string })[] = [];
  let failures = 0;
  for (const file of selected) {
    const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { benchmark?: Benchmark };
    const bench = mod.benchmark;
    if (!bench) {
      process.stderr.write(`${file} exports no \`benchmark\`; skipped.\n`);
      failures++;
      continue;
    }
    process.stdout.write(`running ${bench.name}: ${bench.description}${quick ? ' (quick)' : ''}\n`);
    const startedAt = new Date();
    try {
      const result = await bench.run({ quick });
      const durationMs = Date.now() - startedAt.getTime();
      const out = path.join(RESULTS_DIR, `${bench.name}-${stamp}.json`);
      writeFileSync(
        out,
        `${JSON.stringify({ name: bench.name, description: bench.description, quick, startedAt: startedAt.toISOString(), durationMs, environment: env, ...result }, null, 2)}\n`,
      );
      process.stdout.write(`  done in ${(durationMs / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), out)}\n`);
      for (const note of result.notes) process.stdout.write(`  note: ${note}\n`);
      done.push({ name: bench.name, ...result });
    } catch (err) {
      failures++;
      process.stderr.write(`  ${bench.name} failed: ${(err as Error).stack ?? err}\n`);
    }
  }
  if (done.length > 0) process.stdout.write(`\n${formatTable(done)}\n`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = await main();
